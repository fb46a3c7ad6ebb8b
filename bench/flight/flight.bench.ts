// npm run bench:flight — both flight benchmarks in turn, each in its own process (its own peak memory):
// the flight-path queries (flight-paths.bench) and the mixed road + drone plan (mixed-plan.bench).
// `--section paths|mixed` runs one of them; every other option goes to that section.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SECTIONS = { paths: 'flight-paths.bench.js', mixed: 'mixed-plan.bench.js' } as const;
type Section = keyof typeof SECTIONS;

const run = (section: Section, args: string[]): number =>
  spawnSync(process.execPath, [...process.execArgv, join(__dirname, SECTIONS[section]), ...args], {
    stdio: 'inherit',
  }).status ?? 1;

function main(): number {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--section');
  const picked = at >= 0 ? argv[at + 1] : undefined;
  const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
  if (argv.includes('--help') && picked === undefined) {
    console.log(
      'usage: npm run bench:flight -- [--section paths|mixed] [options of that section]\n\n' +
        'Runs the flight-path benchmark and then the mixed road + drone plan benchmark; with --section, one of\n' +
        'them with the options that follow. The sections and their options:\n',
    );
    for (const section of Object.keys(SECTIONS) as Section[]) {
      console.log(`## --section ${section}`);
      run(section, ['--help']);
      console.log('');
    }
    return 0;
  }
  if (picked !== undefined) {
    if (!(picked in SECTIONS)) {
      console.error(`error: --section must be one of ${Object.keys(SECTIONS).join(', ')}; got '${picked}'`);
      return 2;
    }
    return run(picked as Section, rest);
  }
  if (rest.length) {
    console.error('error: options go to one section: add --section paths or --section mixed (see --help)');
    return 2;
  }
  return run('paths', []) || run('mixed', []);
}

process.exitCode = main();
