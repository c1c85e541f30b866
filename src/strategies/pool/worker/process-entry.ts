// The entry of a child process: everything here runs inside the child.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeSync } from 'node:fs';
import { serialize } from 'node:v8';
import { type SerializedError, serializeError } from '../../../core/errors.js';
import {
  type DeathNote,
  INIT,
  isFanoutMessage,
  LAST_WORDS_FD,
  type MainMessage,
  POOL_ALIVE_FD,
  type WorkerInit,
} from '../protocol.js';
import { createRunner } from './create-runner.js';
import type { Runner } from './runner.js';

/** The exit code a child uses when a task's error escaped every handler (as sysexits' EX_SOFTWARE). */
const EXIT_UNCAUGHT = 70;

let runner: Runner | undefined;
let fatal: SerializedError | undefined;

// Last words: a synchronous write as the process ends, so the pool learns which job killed it.
process.on('exit', (code) => {
  const running = runner?.running();
  if (!running || (running.length === 0 && !fatal)) return;
  const note: DeathNote = {
    running,
    reason: fatal ? 'threw an uncaught exception' : `exited with code ${code} (the task called process.exit)`,
  };
  if (fatal) note.error = fatal;
  try {
    writeSync(LAST_WORDS_FD, `${JSON.stringify(note)}\n`);
  } catch {
    // The pipe is gone: the pool falls back to what it knows.
  }
});

process.on('uncaughtException', (error) => {
  fatal = serializeError(error);
  process.exit(EXIT_UNCAUGHT);
});

// Ctrl+C reaches the whole process group: the pool decides what stops, and when (in-flight tasks of a
// `fanout run` finish on the first SIGINT). A child whose pool is gone ends through what follows.
process.on('SIGINT', () => {});

// The pool went away (it exited or crashed): a child must never outlive it.
process.on('disconnect', () => process.exit(0));

/** How often the fallback watchdog thread looks for the parent. */
const WATCHDOG_INTERVAL_MS = 250;
/** The shell the watchdog runs in, where there is one (not on Windows). */
const SHELL = '/bin/sh';

// 'disconnect' needs this process's event loop, which a task stuck in synchronous code holds: something
// outside it must watch for the pool and kill this process if the pool was killed outright. A shell
// waiting on the pool's pipe costs this process about 3 ms of CPU to start; a worker thread (the
// fallback, where there is no shell) costs about 65 ms.
// (Should the pool die after this process died by a signal but before the pool's loop turned to write
// its line, the shell kills a pid just freed: a window of an event-loop turn, which pid reuse would
// have to hit.)
let watcher: ChildProcess | undefined;
if (process.platform !== 'win32' && existsSync(SHELL)) {
  // `read` ends at the line the pool writes once this process has exited (the shell then stands down),
  // or at end of file when the pool died (it kills this process). Ctrl+C reaches the whole process
  // group: the shell ignores it, so it still watches while the pool lets in-flight tasks finish.
  watcher = spawn(SHELL, ['-c', `trap '' INT; read line || kill -9 ${process.pid}`], {
    stdio: [POOL_ALIVE_FD, 'ignore', 'ignore'],
  });
  watcher.on('error', () => {
    watcher = undefined;
    void startWatchdogThread();
  });
  watcher.unref();
} else {
  void startWatchdogThread();
}

async function startWatchdogThread(): Promise<void> {
  const { Worker } = await import('node:worker_threads');
  const watchdog = new Worker(
    `const { workerData: { ppid, pid } } = require('node:worker_threads');
     setInterval(() => { if (process.ppid !== ppid) process.kill(pid, 'SIGKILL'); }, ${WATCHDOG_INTERVAL_MS});`,
    {
      eval: true,
      workerData: { ppid: process.ppid, pid: process.pid },
      resourceLimits: { maxOldGenerationSizeMb: 8 },
    },
  );
  watchdog.unref();
}

// The watcher must never outlive this process: it goes with it (a death by signal, which runs no
// handler, leaves it to the pool's line).
process.on('exit', () => watcher?.kill('SIGKILL'));

process.once('message', (first: unknown) => {
  if (!isFanoutMessage(first) || (first as MainMessage)[1] !== INIT) return;
  const init = (first as [string, number, WorkerInit])[2];
  runner = createRunner(
    {
      // With 'advanced' serialization, send throws at once on a value it cannot clone.
      post: (message) => void process.send!(message),
      onMessage: (handler) =>
        process.on('message', (message: unknown) => {
          if (isFanoutMessage(message)) handler(message as MainMessage);
        }),
      assertCloneable: (value) => void serialize(value),
      // The pool disconnects once it has the CLOSED message; 'disconnect' above then ends the process.
      exit: () => {},
    },
    init,
  );
  void runner.start();
});
