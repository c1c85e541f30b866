/**
 * The mechanism behind every command's options: an option is defined once (flags, help, how its text
 * is checked) and each command that takes it adds it with one line, so the spelling, the help and the
 * validation cannot drift apart between commands.
 *
 * Values are checked after commander has refused unknown options and before the action runs: a typo is
 * reported first, and every bad value is a CliError naming the option.
 */
import { Command, Option } from 'commander';
import { closest } from '../core/closest.js';
import { CliError } from './errors.js';

/** One option, as every command that takes it sees it. */
export interface OptionSpec<T = unknown> {
  /** Commander's flags, e.g. `-i, --inputs <file|->`; a `<value>` makes it take one. */
  readonly flags: string;
  /** The help line: the same wherever the option appears. */
  readonly description: string;
  /** Turns the option's text into its value, or throws a CliError that names the option. */
  readonly parse?: (text: string) => T;
  /** The text used when the option is absent (it goes through `parse` like a given one). */
  readonly default?: string;
  /** What `--help` shows as the default when it is not simply `default`. */
  readonly defaultHelp?: string;
  readonly required?: boolean;
  /** Older spellings still accepted, hidden from `--help`; using one prints a one-line warning. */
  readonly deprecatedAliases?: readonly string[];
}

/** A spec with its default replaced, for the one command whose default differs (`fanout demo --report`). */
export function withDefault<T>(spec: OptionSpec<T>, text: string): OptionSpec<T> {
  return { ...spec, default: text, defaultHelp: undefined };
}

/** A spec as added to one command: with commander's Option for it and for each older spelling. */
interface Added {
  spec: OptionSpec;
  option: Option;
  aliases: Option[];
}

const addedTo = new WeakMap<Command, Added[]>();

function takesValue(flags: string): boolean {
  return /[<[]/.test(flags);
}

/** The long name of a spec's flags: `--inputs` from `-i, --inputs <file|->`. */
export function longName(spec: OptionSpec): string {
  const long = /--[\w-]+/.exec(spec.flags);
  if (long === null) throw new Error(`option flags without a long name: ${spec.flags}`);
  return long[0];
}

function aliasFlags(alias: string, spec: OptionSpec): string {
  const value = /[<[].*$/.exec(spec.flags);
  return value ? `${alias} ${value[0]}` : alias;
}

/** Adds each spec to `command`; `check` (called by the program's preAction hook) checks their values. */
export function addOptions(command: Command, ...specs: OptionSpec[]): Command {
  const list = addedTo.get(command) ?? [];
  for (const spec of specs) {
    const option = new Option(
      spec.flags,
      spec.required ? `${spec.description} (required)` : spec.description,
    );
    if (spec.default !== undefined) option.default(spec.default, spec.defaultHelp ?? spec.default);
    else if (spec.defaultHelp !== undefined) option.default(undefined, spec.defaultHelp);
    command.addOption(option);
    const aliases = (spec.deprecatedAliases ?? []).map((alias) =>
      new Option(aliasFlags(alias, spec)).hideHelp(),
    );
    for (const alias of aliases) command.addOption(alias);
    list.push({ spec, option, aliases });
  }
  addedTo.set(command, list);
  return command;
}

/**
 * Checks the options `command` was given against their specs: deprecated spellings moved onto the
 * current one (with a warning through `warn`), required ones present, every value parsed.
 */
export function checkOptions(command: Command, warn: (line: string) => void): void {
  for (const { spec, option, aliases } of addedTo.get(command) ?? []) {
    const name = longName(spec);
    const key = option.attributeName();
    for (const alias of aliases) {
      const aliasKey = alias.attributeName();
      const given = command.getOptionValue(aliasKey) as unknown;
      if (given === undefined) continue;
      if (command.getOptionValueSource(key) === 'cli') {
        throw new CliError(`${alias.long} and ${name} are the same option: give ${name} only`);
      }
      warn(`${alias.long} is deprecated: use ${name}`);
      command.setOptionValueWithSource(key, given, 'cli');
      command.setOptionValue(aliasKey, undefined);
    }
    const raw = command.getOptionValue(key) as unknown;
    if (raw === undefined) {
      if (spec.required) throw new CliError(`${name} is required (see fanout ${command.name()} --help)`);
      continue;
    }
    if (spec.parse !== undefined && typeof raw === 'string' && takesValue(spec.flags)) {
      command.setOptionValueWithSource(key, spec.parse(raw), command.getOptionValueSource(key));
    }
  }
}

/** Every long option `command` accepts (its own and the program's), for "did you mean". */
function knownLongOptions(command: Command): string[] {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) {
    for (const option of at.options) if (option.long && !option.hidden) names.push(option.long);
  }
  return names;
}

/** The words of a long option: `--advisor-budget` → advisor, budget. */
const words = (name: string): string[] =>
  name
    .replace(/^--/, '')
    .split('-')
    .filter((word) => word !== '');

/**
 * The one known option whose words hold all of the name's, or all of whose words the name holds
 * (`--budget` and `--advisor-budget`, an edit distance apart too far for `closest`); undefined when
 * none or several do.
 */
export function sharingWords(name: string, candidates: readonly string[]): string | undefined {
  const typed = words(name);
  const holds = (outer: string[], inner: string[]): boolean =>
    inner.length > 0 && inner.every((word) => outer.includes(word));
  const matches = candidates.filter((candidate) => {
    const known = words(candidate);
    return candidate !== name && (holds(known, typed) || holds(typed, known));
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/** The one line that reports an unknown option, with the nearest known name when there is one. */
export function unknownOptionMessage(command: Command, flag: string): string {
  const where = command.parent ? `fanout ${command.name()}` : 'fanout';
  const bare = flag.split('=')[0]!;
  const known = knownLongOptions(command);
  const near = bare.startsWith('--') ? (closest(bare, known) ?? sharingWords(bare, known)) : undefined;
  const hint = near !== undefined ? `did you mean ${near}?` : `${where} --help lists its options`;
  return `unknown option '${bare}' (${hint})`;
}

/**
 * fanout's commands: an unknown option is a CliError in one line, raised by commander before it
 * checks anything else (missing arguments, required options, values).
 */
export class FanoutCommand extends Command {
  override createCommand(name?: string): FanoutCommand {
    return new FanoutCommand(name);
  }

  // Replaces commander's own (two lines, its own notion of "similar"); not in commander's typings.
  unknownOption(flag: string): never {
    throw new CliError(unknownOptionMessage(this, flag));
  }
}

/**
 * The text after a command's options: its notes, then its Examples section, last, one `$ ` line each
 * (a test runs every command's examples past its options).
 */
export function helpEnd(notes: string, examples: readonly string[]): string {
  const body = notes === '' ? '' : `\n${notes.trim()}\n`;
  return `${body}\nExamples:\n${examples.map((line) => `  $ ${line}`).join('\n')}\n`;
}
