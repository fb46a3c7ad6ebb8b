import { parseArgs } from 'node:util';

/** One command-line option of a script: `--name VALUE` (string) or `--name` (flag). */
export interface CliOption {
  type: 'string' | 'boolean';
  description: string;
  /** Shown in the help; the script applies it when reading the value. */
  defaultText?: string;
  /** Placeholder for the value in the help (`--orders N`). */
  valueName?: string;
  /** A string option that may be given several times (`--profile a --profile b`). */
  multiple?: boolean;
}

export interface CliSpec {
  /** How a user runs it, e.g. `npm run main-job --`. */
  usage: string;
  summary: string;
  options: Record<string, CliOption>;
  examples?: string[];
}

/** Thrown for a bad command line; `runCli` prints it with the help hint and exits 2. */
export class CliUsageError extends Error {}

/** The parsed command line with typed readers that name the option in every error. */
export class CliArgs {
  constructor(
    private readonly values: Record<string, string | boolean | string[] | undefined>,
    readonly positionals: string[],
  ) {}

  /** Every value of a repeatable option, in order (empty when absent). */
  all(name: string): string[] {
    const v = this.values[name];
    return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  }

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined;
  string(name: string, fallback: string): string;
  string(name: string, fallback?: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : fallback;
  }

  /** A whole number within bounds, or the fallback when the option is absent. */
  int(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const n = /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    return checkBounds(name, v, n, bounds, 'a whole number');
  }

  /** A decimal number within bounds, or the fallback when the option is absent. */
  number(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const n = v.trim() === '' ? NaN : Number(v);
    return checkBounds(name, v, n, bounds, 'a number');
  }

  /** A comma-separated list, or the fallback when the option is absent. */
  list(name: string, fallback: string[]): string[] {
    const v = this.string(name);
    if (v === undefined) return fallback;
    const items = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (!items.length) throw new CliUsageError(`--${name} needs at least one value, got '${v}'`);
    return items;
  }

  /** A comma-separated list of numbers within bounds. */
  numbers(name: string, fallback: number[], bounds: { min?: number; max?: number } = {}): number[] {
    const v = this.string(name);
    if (v === undefined) return fallback;
    return this.list(name, []).map((item) =>
      checkBounds(name, item, item === '' ? NaN : Number(item), bounds, 'a list of numbers'),
    );
  }

  /** One of the allowed values. */
  choice<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v))
      throw new CliUsageError(`--${name} must be one of ${allowed.join(', ')}; got '${v}'`);
    return v as T;
  }
}

function checkBounds(
  name: string,
  raw: string,
  n: number,
  bounds: { min?: number; max?: number },
  what: string,
): number {
  if (!Number.isFinite(n)) throw new CliUsageError(`--${name} must be ${what}, got '${raw}'`);
  if (bounds.min !== undefined && n < bounds.min)
    throw new CliUsageError(`--${name} must be at least ${bounds.min}, got ${raw}`);
  if (bounds.max !== undefined && n > bounds.max)
    throw new CliUsageError(`--${name} must be at most ${bounds.max}, got ${raw}`);
  return n;
}

/** The help text: usage, summary, every option with its value, default and description. */
export function cliHelp(spec: CliSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const left =
      (o.type === 'string' ? `--${name} ${o.valueName ?? 'VALUE'}` : `--${name}`) + (o.multiple ? ' …' : '');
    const def = o.defaultText !== undefined ? ` (default ${o.defaultText})` : '';
    return [left, `${o.description}${def}`];
  });
  rows.push(['--help', 'print this help and exit']);
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = [
    `usage: ${spec.usage} [options]`,
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`),
  ];
  if (spec.examples?.length) lines.push('', 'examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/**
 * Parses argv against the spec. Unknown options, missing values and stray arguments are usage
 * errors that name the known options; `--help` is reported as `help: true`.
 */
export function parseCli(spec: CliSpec, argv: string[]): { help: true } | { help: false; args: CliArgs } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
  };
  for (const [name, o] of Object.entries(spec.options))
    options[name] = o.multiple ? { type: o.type, multiple: true } : { type: o.type };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    // Only the user's command line is a usage error; a bad spec is a bug and stays one.
    if (!String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) throw error;
    const known = ['--help', ...Object.keys(spec.options).map((n) => `--${n}`)].join(', ');
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CliUsageError(`${reason}. Known options: ${known}`);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help === true) return { help: true };
  return { help: false, args: new CliArgs(values, parsed.positionals) };
}

/**
 * For scripts: parse `process.argv`, print the help and exit 0 on `--help`, print the problem and
 * exit 2 on a bad command line. Value errors found later (`args.int(...)`) are `CliUsageError`s too:
 * wrap the script's main in `exitOnUsageError`.
 */
export function readCli(spec: CliSpec, argv: string[] = process.argv.slice(2)): CliArgs {
  try {
    const result = parseCli(spec, argv);
    if (result.help) {
      console.log(cliHelp(spec));
      process.exit(0);
    }
    return result.args;
  } catch (error) {
    return exitOnUsageError(error);
  }
}

/**
 * `readCli` plus the script's own reading of the values in one step, so a bad value
 * (`--orders abc`) is a usage error (exit 2) like an unknown option.
 */
export function readCliWith<T>(
  spec: CliSpec,
  read: (args: CliArgs) => T,
  argv: string[] = process.argv.slice(2),
): T {
  const args = readCli(spec, argv);
  try {
    return read(args);
  } catch (error) {
    return exitOnUsageError(error);
  }
}

/** Prints a usage error with a pointer to `--help` and exits 2; rethrows anything else. */
export function exitOnUsageError(error: unknown): never {
  if (error instanceof CliUsageError) {
    console.error(`error: ${error.message}\n(run with --help for the options)`);
    process.exit(2);
  }
  throw error;
}

/** The first problem of a command line against a list of known `--options` (values may follow), or null. */
export function unknownOptionProblem(known: readonly string[], argv: string[]): string | null {
  const knownFlags = new Set(known.map((k) => `--${k}`));
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i].split('=')[0];
    if (!token.startsWith('--')) {
      const previous = argv[i - 1];
      // a value after an option (`--days 7`), not a stray argument
      if (previous?.startsWith('--') && !previous.includes('=')) continue;
      return `unexpected argument '${argv[i]}'`;
    }
    if (token !== '--help' && !knownFlags.has(token))
      return `unknown option '${token}'. Known options: --help, ${[...knownFlags].join(', ')}`;
  }
  return null;
}

/**
 * For scripts that keep a hand-written help text: `--help` prints it (exit 0); an option outside
 * `known` (or a stray argument) is a usage error naming the known ones (exit 2).
 */
export function guardCli(
  help: string,
  known: readonly string[],
  argv: string[] = process.argv.slice(2),
): void {
  if (argv.includes('--help')) {
    console.log(help);
    process.exit(0);
  }
  const problem = unknownOptionProblem(known, argv);
  if (problem) exitOnUsageError(new CliUsageError(problem));
}
