import { type Command, InvalidArgumentError } from 'commander';
import { createStyle, type Style } from '../../report/style.js';
import { MAX_CAPACITY } from '../../workloads/capacity.js';
import { type FanoutServer, type ServerStats, startServer } from '../../workloads/index.js';
import {
  DEFAULT_BODY_BYTES,
  MAX_BODY_BYTES,
  MAX_DELAY_MS,
  MAX_PORT,
  QUERY_PARAMETERS,
} from '../../workloads/request-plan.js';
import { useColor } from '../style.js';

interface ServeFlags {
  port: number;
  host: string;
  delay: number;
  jitter: number;
  size: number;
  capacity?: number;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A commander parser for a number within [least, max]. */
const numberIn =
  (max: number, integer: boolean, least = 0) =>
  (raw: string): number => {
    const value = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value) || value < least || value > max || (integer && !Number.isInteger(value))) {
      throw new InvalidArgumentError(
        `Expected ${integer ? 'an integer' : 'a number'} from ${least} to ${max}.`,
      );
    }
    return value;
  };

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The lines printed on start: where to send requests and what they may ask for. */
export function describeServer(server: FanoutServer, flags: ServeFlags, style?: Style): string {
  const width = Math.max(...QUERY_PARAMETERS.map(([spec]) => spec.length));
  return [
    `fanout serve: listening on ${style ? style.bold(server.url) : server.url}`,
    `defaults: delay ${flags.delay} ms, jitter ±${flags.jitter} ms, body ${flags.size} bytes`,
    flags.capacity === undefined
      ? 'capacity: no limit (every request served at once)'
      : `capacity: ${flags.capacity} served at once, the rest queued in arrival order`,
    `change it while running: curl -X POST "${server.url}capacity?c=8"  (c=none: no limit)`,
    'query parameters (per request; they override the defaults):',
    ...QUERY_PARAMETERS.map(([spec, help]) => `  ${spec.padEnd(width)}  ${help}`),
    `example: ${server.url}?delay=50&size=10000&id=a1`,
    'Stop with Ctrl+C.',
    '',
  ].join('\n');
}

/** The summary printed on stop. */
export function describeServed(stats: ServerStats): string {
  let line = `served ${plural(stats.requests, 'request')} (${plural(stats.responses, 'complete response')}) over ${plural(stats.connections, 'connection')}`;
  if (stats.byId.size > 0) {
    const repeated = [...stats.byId.values()].filter((count) => count > 1).length;
    line += `; ${plural(stats.byId.size, 'distinct id')}, ${repeated} requested more than once`;
  }
  return `${line}\n`;
}

async function serve(flags: ServeFlags): Promise<void> {
  const server = await startServer(flags);
  process.stdout.write(describeServer(server, flags, createStyle(useColor(process.stdout))));
  let stop: (name: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  for (const name of STOP_SIGNALS) process.on(name, stop);
  const signal = await stopped;
  for (const name of STOP_SIGNALS) process.off(name, stop);
  await server.close();
  process.stdout.write(`${signal}: stopped. ${describeServed(server.stats())}`);
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run the loopback HTTP server the download workload talks to, until Ctrl+C.')
    .option('--port <number>', 'port to listen on; 0 picks a free one', numberIn(MAX_PORT, true), 0)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--delay <ms>', 'answer every request after this many ms', numberIn(MAX_DELAY_MS, false), 0)
    .option(
      '--jitter <ms>',
      'add a uniform random ± this many ms to each delay',
      numberIn(MAX_DELAY_MS, false),
      0,
    )
    .option(
      '--size <bytes>',
      "body size in bytes; the default is the seed's page",
      numberIn(MAX_BODY_BYTES, true),
      DEFAULT_BODY_BYTES,
    )
    .option(
      '--capacity <n>',
      'serve at most n requests at once and queue the rest (default: no limit); POST /capacity?c=N changes it',
      numberIn(MAX_CAPACITY, true, 1),
    )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ fanout serve --port 8080 --delay 50 --jitter 10',
        '  $ curl "http://127.0.0.1:8080/?delay=200&status=503"',
        '  $ curl "http://127.0.0.1:8080/?fault=trickle&delay=2000&size=100000"',
        '  $ fanout serve --port 8080 --delay 20 --capacity 64',
        '  $ curl -X POST "http://127.0.0.1:8080/capacity?c=8"   # 8 at once from now on',
      ].join('\n'),
    )
    .action((flags: ServeFlags) => serve(flags));
}
