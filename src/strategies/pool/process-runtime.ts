import { fork } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { serialize } from 'node:v8';
import { workerEntry } from './entry-file.js';
import { type DeathNote, INIT, isFanoutMessage, LAST_WORDS_FD, POOL_ALIVE_FD, TAG } from './protocol.js';
import type { Runtime, Transport, TransportHandlers, TransportOptions } from './transport.js';

/** Flags of ours that a child must not inherit: test runners, debuggers, heap sizes we set ourselves. */
const NOT_INHERITED = /^--(test|inspect|debug|max-old-space-size|watch)/;

function parseNote(text: string): DeathNote | null {
  const line = text.trim().split('\n').pop();
  if (!line) return null;
  try {
    return JSON.parse(line) as DeathNote;
  } catch {
    return null;
  }
}

/** How V8 starts its report of a heap out of memory: the pool says so in one line instead. */
const V8_OOM_REPORT = '<--- Last few GCs --->';

/** The child's stderr goes to ours as it comes, except V8's page-long out-of-memory report. */
function forwardStderr(stderr: Readable): void {
  let dying = false;
  stderr.on('data', (chunk: Buffer) => {
    if (dying) return;
    const text = chunk.toString('utf8');
    const at = text.indexOf(V8_OOM_REPORT);
    if (at === -1) {
      process.stderr.write(chunk);
      return;
    }
    dying = true;
    if (text.slice(0, at).trim() !== '') process.stderr.write(text.slice(0, at));
  });
}

export const processRuntime: Runtime = {
  kind: 'process',
  sharesMemory: false,
  assertCloneable: (value) => void serialize(value),
  start({ init, maxMemoryMb }: TransportOptions, handlers: TransportHandlers): Transport {
    const execArgv = process.execArgv.filter((flag) => !NOT_INHERITED.test(flag));
    if (maxMemoryMb !== undefined) execArgv.push(`--max-old-space-size=${maxMemoryMb}`);
    const child = fork(workerEntry('process-entry'), [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['inherit', 'inherit', 'pipe', 'ipc', 'pipe', 'pipe'],
    });
    forwardStderr(child.stderr!);
    let lastWords = '';
    const notes = child.stdio[LAST_WORDS_FD] as Readable;
    notes.setEncoding('utf8');
    notes.on('data', (chunk: string) => {
      lastWords += chunk;
    });
    child.on('message', (message) => {
      if (isFanoutMessage(message)) handlers.message(message);
    });
    // An IPC error (the child gone mid-send) shows up as its exit too; nothing more to do here.
    child.on('error', () => {});
    // Report the exit only once nothing more can arrive: the process has exited, its last words are
    // read to the end, and the IPC channel is closed (results sent just before a death can still be in
    // it, and they must settle their jobs before the pool decides whom to blame). 'close' would wait
    // for the pipes, but with an IPC channel among the stdio entries it does not fire on Node 20.
    let exited: [number | null, NodeJS.Signals | null] | undefined;
    let pending = 2;
    const report = (): void => {
      if (exited && pending === 0)
        handlers.exit({ code: exited[0], signal: exited[1], note: parseNote(lastWords) });
    };
    const drained = (): void => {
      pending--;
      report();
    };
    notes.on('close', drained);
    child.once('disconnect', drained);
    // Only this process holds the pipe's end here: its line tells the child's watchdog that the child
    // is gone (so it stands down), and its end of file, when this process dies, tells it to kill.
    const alive = (child.stdio as unknown as Socket[])[POOL_ALIVE_FD]!;
    alive.on('error', () => {}); // the watchdog went with the child: nothing to tell
    child.on('exit', (code, signal) => {
      alive.end('\n', () => alive.destroy());
      exited = [code, signal];
      report();
    });
    const pipes = [child.stderr, notes, alive] as unknown as Socket[];
    child.send([TAG, INIT, init]);
    return {
      send: (message) => {
        if (child.connected) child.send(message);
      },
      end: () => {
        if (child.connected) child.disconnect();
      },
      terminate: () => void child.kill('SIGKILL'),
      // The process, its channel and its pipes: any one of them left ref'd would keep the program alive.
      ref: () => {
        child.ref();
        child.channel?.ref();
        for (const pipe of pipes) pipe.ref();
      },
      unref: () => {
        child.unref();
        child.channel?.unref();
        for (const pipe of pipes) pipe.unref();
      },
    };
  },
};
