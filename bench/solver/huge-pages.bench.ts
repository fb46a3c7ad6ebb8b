// The same rural solve with and without transparent huge pages, each in a child process (the glibc
// setting is read at process start), on an iteration budget so both runs make the same plan and the
// iterations per CPU second compare the memory system alone.
// node dist/bench/solver/huge-pages.bench.js --sizes 2000,5000 --iterations 3000
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readCliWith, type CliSpec } from '@rd/config';
import { HUGE_PAGES_TUNABLE } from '../common/huge-pages';

const CLI: CliSpec = {
  usage: 'npm run bench:huge-pages --',
  summary:
    'bench:rural on an iteration budget twice, in child processes without and with GLIBC_TUNABLES=' +
    `${HUGE_PAGES_TUNABLE} (malloc asks for 2 MiB pages), and the ratio of search iterations per CPU second.`,
  options: {
    sizes: { type: 'string', valueName: 'N,N', description: 'stops per day', defaultText: '2000,5000' },
    iterations: {
      type: 'string',
      valueName: 'N',
      description: 'search iterations per solve',
      defaultText: '3000',
    },
    shipments: {
      type: 'string',
      valueName: 'X,X',
      description: 'shipment shares, one row each (see bench:rural)',
      defaultText: '0,0.4',
    },
  },
  examples: ['npm run bench:huge-pages -- --sizes 5000 --iterations 2000 --shipments 0.1'],
};

interface Row {
  label: string;
  itPerCpuS: number;
  km: string;
}

function runRural(args: string[], tunable: boolean): { rows: Row[]; note: string } {
  const env = { ...process.env };
  const others = (env.GLIBC_TUNABLES ?? '').split(':').filter((t) => t && t !== HUGE_PAGES_TUNABLE);
  env.GLIBC_TUNABLES = [...others, ...(tunable ? [HUGE_PAGES_TUNABLE] : [])].join(':');
  const child = spawnSync(process.execPath, [join(__dirname, 'rural.bench.js'), ...args], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (child.status !== 0) throw new Error(`bench:rural failed: ${child.stderr || child.stdout}`);
  const lines = child.stdout.split('\n');
  const header = lines.find((l) => l.startsWith('| stops'));
  if (!header) throw new Error(`no table in bench:rural's output:\n${child.stdout}`);
  const cols = header.split('|').map((c) => c.trim());
  const itCol = cols.indexOf('search it per CPU s');
  const kmCol = cols.findIndex((c) => c.startsWith('km after'));
  const rows = lines
    .filter((l) => /^\| \d/.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      return {
        label: `${cells[1]} stops, ${cells[2]} in pairs`,
        itPerCpuS: Number(cells[itCol]),
        km: cells[kmCol],
      };
    });
  return { rows, note: lines.find((l) => l.startsWith('transparent huge pages')) ?? '' };
}

function main(): void {
  const opts = readCliWith(CLI, (cli) => ({
    sizes: cli.numbers('sizes', [2000, 5000], { min: 1 }),
    iterations: cli.int('iterations', 3000, { min: 1 }),
    shipments: cli.numbers('shipments', [0, 0.4], { min: 0, max: 1 }),
  }));
  const args = [
    ...['--sizes', opts.sizes.join(','), '--iterations', String(opts.iterations)],
    ...['--shipments', opts.shipments.join(','), '--village-share', '0'],
  ];
  const off = runRural(args, false);
  const on = runRural(args, true);
  console.log(`bench:rural ${args.join(' ')}, once per setting (loaded machine: indicative only)`);
  console.log(`without: ${off.note}\nwith:    ${on.note}`);
  console.log('| day | km (both) | it per CPU s, 4 KiB pages | it per CPU s, huge pages | ratio |');
  console.log('| --- | --- | --- | --- | --- |');
  off.rows.forEach((a, i) => {
    const b = on.rows[i];
    // same seed and budget: a different plan means the runs did not do the same work
    const km = a.km === b.km ? a.km : `${a.km} vs ${b.km} (differ!)`;
    console.log(
      `| ${a.label} | ${km} | ${a.itPerCpuS} | ${b.itPerCpuS} | ${(b.itPerCpuS / a.itPerCpuS).toFixed(2)}× |`,
    );
  });
}

main();
