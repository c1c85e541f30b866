import type { Command } from 'commander';
import { formatCount } from '../../core/units.js';
import { createStyle, type Style } from '../../report/style.js';
import { decimalOf, MAX_CAPACITY, MAX_CONTENTION } from '../../workloads/capacity.js';
import {
  describeReach,
  type FanoutServer,
  formatAddress,
  isLoopback,
  type ServerStats,
  startServer,
} from '../../workloads/index.js';
import {
  DEFAULT_MAX_IDS,
  MAX_HEADER_BYTES,
  MAX_REQUEST_BODY_BYTES,
  MAX_URL_LENGTH,
} from '../../workloads/limits.js';
import {
  DEFAULT_BODY_BYTES,
  MAX_BODY_BYTES,
  MAX_DELAY_MS,
  MAX_ID_LENGTH,
  MAX_PORT,
  QUERY_PARAMETERS,
} from '../../workloads/request-plan.js';
import { CliError } from '../errors.js';
import { addOptions, helpEnd, type OptionSpec } from '../option-kit.js';
import { useColor } from '../style.js';

interface ServeFlags {
  port: number;
  host: string;
  delay: number;
  jitter: number;
  size: number;
  capacity?: number;
  queue?: number;
  contention?: number;
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A number within [0, max] from an option's text, or a CliError naming the option. */
const numberIn =
  (option: string, max: number, integer: boolean, least = 0) =>
  (raw: string): number => {
    // Plain decimal only, as POST /capacity takes: `0x10` and `1e1` are not read as 16 and 10.
    const value = decimalOf(raw.trim(), integer);
    if (!Number.isFinite(value) || value < least || value > max || (integer && !Number.isInteger(value))) {
      const expected = integer ? 'a whole number' : 'a number';
      throw new CliError(`${option}: expected ${expected} from ${least} to ${max}, got \`${raw}\``);
    }
    return value;
  };

const PORT: OptionSpec<number> = {
  flags: '--port <number>',
  description: 'port to listen on; 0 picks a free one',
  default: '0',
  parse: numberIn('--port', MAX_PORT, true),
};
const HOST: OptionSpec = {
  flags: '--host <address>',
  description:
    'address to listen on; beyond loopback (0.0.0.0, ::, a LAN address) other machines can reach it',
  default: '127.0.0.1',
};
const DELAY: OptionSpec<number> = {
  flags: '--delay <ms>',
  description: 'answer every request after this many ms',
  default: '0',
  parse: numberIn('--delay', MAX_DELAY_MS, false),
};
const JITTER: OptionSpec<number> = {
  flags: '--jitter <ms>',
  description: 'add a uniform random ± this many ms to each delay',
  default: '0',
  parse: numberIn('--jitter', MAX_DELAY_MS, false),
};
const SIZE: OptionSpec<number> = {
  flags: '--size <bytes>',
  description: "body size in bytes; the default is the seed's page",
  default: String(DEFAULT_BODY_BYTES),
  parse: numberIn('--size', MAX_BODY_BYTES, true),
};
const CAPACITY: OptionSpec<number> = {
  flags: '--capacity <n>',
  description:
    'serve at most n requests at once and queue the rest (default: no limit); POST /capacity?c=N changes it while it runs',
  parse: numberIn('--capacity', MAX_CAPACITY, true, 1),
};

const QUEUE: OptionSpec<number> = {
  flags: '--queue <n>',
  description:
    'under a capacity (--capacity, or one POST /capacity?c=N sets later): at most n requests wait for a slot; one more is shed, answered 503 at once (default: no bound); POST /capacity?queue=N changes it while it runs',
  parse: numberIn('--queue', MAX_CAPACITY, true),
};
const CONTENTION: OptionSpec<number> = {
  flags: '--contention <x>',
  description:
    'under a capacity (as --queue): each request waiting slows service, delay × (1 + x × waiting ÷ capacity), as contention does (default: 0); POST /capacity?contention=X changes it while it runs',
  parse: numberIn('--contention', MAX_CONTENTION, false),
};

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The lines printed on start: where to send requests and what they may ask for. */
export function describeServer(server: FanoutServer, flags: ServeFlags, style?: Style): string {
  const width = Math.max(...QUERY_PARAMETERS.map(([spec]) => spec.length));
  const url = style ? style.bold(server.url) : server.url;
  // The address really bound, and who can reach it; the URL is how this machine reaches it.
  const where = isLoopback(server.address)
    ? `${url} (${describeReach(server.address)})`
    : `${formatAddress(server.address, server.port)}, ${describeReach(server.address)} (${url} from this machine)`;
  return [
    `fanout serve: listening on ${where}`,
    `defaults: delay ${flags.delay} ms, jitter ±${flags.jitter} ms, body ${flags.size} bytes`,
    flags.capacity === undefined
      ? `capacity: no limit (every request served at once)${untilCapacity(flags)}`
      : `capacity: ${flags.capacity} served at once, the rest queued in arrival order${overload(flags)}`,
    `change it while running: curl -X POST "${server.url}capacity?c=8&queue=16&contention=1"  (any of the three; none: no limit)`,
    'query parameters (per request; they override the defaults):',
    ...QUERY_PARAMETERS.map(([spec, help]) => `  ${spec.padEnd(width)}  ${help}`),
    `example: ${server.url}?delay=50&size=10000&id=a1`,
    'Stop with Ctrl+C.',
    '',
  ].join('\n');
}

/**
 * --queue and --contention given without --capacity: kept (POST /capacity?c=N can set a capacity
 * later), and said to wait for one, so the banner never hides an option that was typed.
 */
function untilCapacity(flags: ServeFlags): string {
  const parts: string[] = [];
  if (flags.queue !== undefined) parts.push(`--queue ${flags.queue}`);
  if (flags.contention !== undefined) parts.push(`--contention ${flags.contention}`);
  if (parts.length === 0) return '';
  return `; ${parts.join(' and ')} ${parts.length === 1 ? 'takes' : 'take'} effect once POST /capacity?c=N sets a capacity`;
}

/** What the server does when overloaded, after its capacity: `; at most 8 waiting, …`. */
function overload(flags: ServeFlags): string {
  const parts: string[] = [];
  if (flags.queue !== undefined) parts.push(`at most ${flags.queue} waiting, more answered 503 at once`);
  if (flags.contention !== undefined && flags.contention > 0)
    parts.push(`each waiting slows service (contention ${flags.contention})`);
  return parts.length > 0 ? `; ${parts.join('; ')}` : '';
}

/** The summary printed on stop. */
export function describeServed(stats: ServerStats): string {
  let line = `served ${plural(stats.requests, 'request')} (${plural(stats.responses, 'complete response')}) over ${plural(stats.connections, 'connection')}`;
  if (stats.byId.size > 0) {
    const repeated = [...stats.byId.values()].filter((count) => count > 1).length;
    line += `; ${plural(stats.byId.size, 'distinct id')}, ${repeated} requested more than once`;
  }
  if (stats.uncountedIds > 0) {
    line += `; ${plural(stats.uncountedIds, 'request')} with a new id past the ${stats.byId.size} kept, not counted`;
  }
  return `${line}\n`;
}

/** The one-line warning when the server is reachable beyond this machine, or undefined. */
export function exposureWarning(server: FanoutServer): string | undefined {
  if (isLoopback(server.address)) return undefined;
  return (
    `fanout serve: warning: listening beyond loopback (${formatAddress(server.address, server.port)}): ` +
    'any machine that can reach this one can use this server and its faults; --host 127.0.0.1 keeps it local\n'
  );
}

async function serve(flags: ServeFlags): Promise<void> {
  const server = await startServer(flags);
  const warning = exposureWarning(server);
  if (warning !== undefined) process.stderr.write(warning);
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

/** What the server reads and keeps, bounded (docs/workloads.md). */
const LIMITS = `Bounded: a request target of at most ${formatCount(MAX_URL_LENGTH)} characters (else 414), headers of at most
${MAX_HEADER_BYTES / 1024} KiB (431), a body of at most ${MAX_REQUEST_BODY_BYTES / 1024} KiB (413, unread), an id of at most ${MAX_ID_LENGTH} characters (400);
${formatCount(DEFAULT_MAX_IDS)} distinct ids counted. See docs/workloads.md.`;

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .summary('the loopback HTTP server the download workloads talk to, with delays and faults')
    .description('Run the loopback HTTP server the download workload talks to, until Ctrl+C.');
  addOptions(command, PORT, HOST, DELAY, JITTER, SIZE, CAPACITY, QUEUE, CONTENTION);
  command
    .addHelpText(
      'after',
      helpEnd(LIMITS, [
        'fanout serve --port 8080 --delay 50 --jitter 10',
        'curl "http://127.0.0.1:8080/?delay=200&status=503"',
        'curl "http://127.0.0.1:8080/?fault=trickle&delay=2000&size=100000"',
        'fanout serve --port 8080 --delay 20 --capacity 64',
        'fanout serve --port 8080 --delay 50 --capacity 8 --queue 8 --contention 1',
        'curl -X POST "http://127.0.0.1:8080/capacity?c=8"',
        'curl -X POST "http://127.0.0.1:8080/capacity?queue=none&contention=0.5"',
      ]),
    )
    .action((flags: ServeFlags) => serve(flags));
}
