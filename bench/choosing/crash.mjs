// What a crash takes down. Each model runs the inputs [1, CRASH, 2, 3] with `settle: true`, where
// CRASH is 'exit' (the task calls process.exit) or 'throw-later' (an exception from a timer, which no
// promise catches). In-process models run in a child Node so that this script survives to tell.
// Usage: npm run build && node bench/choosing/crash.mjs
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createExecutor } from '../../dist/src/index.js';

const task = new URL('./crash-task.mjs', import.meta.url);

async function run(strategy, crash) {
  const executor = createExecutor({ task, strategy, concurrency: strategy === 'sequential' ? 1 : 2 });
  try {
    const outcomes = await executor.map([1, crash, 2, 3], { settle: true });
    const words = outcomes.map((o) => (o.status === 'fulfilled' ? String(o.value) : o.reason.name));
    const { workersStarted } = await executor.usage();
    return `results ${words.join(', ')}; workers started: ${workersStarted}`;
  } finally {
    await executor.close();
  }
}

const [, , strategy, crash] = process.argv;
if (strategy) {
  // The child: one model, one kind of crash.
  console.log(await run(strategy, crash));
} else {
  for (const crash of ['exit', 'throw-later']) {
    for (const model of ['sequential', 'async', 'threads', 'processes']) {
      const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), model, crash], {
        encoding: 'utf8',
      });
      const last =
        child.stderr
          .trim()
          .split('\n')
          .find((line) => /Error|exit/.test(line)) ?? '';
      const said =
        child.stdout.trim() || `nothing: the whole process died (exit code ${child.status}) ${last.trim()}`;
      console.log(`${crash.padEnd(11)} ${model.padEnd(10)} ${said}`);
    }
  }
}
