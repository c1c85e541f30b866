// The entry of a child process: everything here runs inside the child.
import { writeSync } from 'node:fs';
import { serialize } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { type SerializedError, serializeError } from '../../../core/errors.js';
import {
  type DeathNote,
  INIT,
  isFanoutMessage,
  LAST_WORDS_FD,
  type MainMessage,
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

/** How often the watchdog looks for the parent. */
const WATCHDOG_INTERVAL_MS = 250;

// 'disconnect' needs this process's event loop, which a task stuck in synchronous code holds: a thread
// of its own watches for the parent, and kills this process if the parent was killed outright.
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
