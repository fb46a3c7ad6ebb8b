import { cliHelp, CliUsageError, parseCli, unknownOptionProblem, type CliSpec } from './cli';

const spec: CliSpec = {
  usage: 'npm run demo --',
  summary: 'A demo script.',
  options: {
    once: { type: 'boolean', description: 'run once' },
    orders: { type: 'string', valueName: 'N', description: 'orders to take', defaultText: '800' },
    time: { type: 'string', valueName: 'S,S', description: 'time limits' },
    profile: { type: 'string', multiple: true, valueName: 'NAME', description: 'profiles' },
  },
  examples: ['npm run demo -- --once'],
};

function args(argv: string[]) {
  const r = parseCli(spec, argv);
  if (r.help) throw new Error('unexpected help');
  return r.args;
}

describe('parseCli', () => {
  it('reports --help and prints every option with its default', () => {
    expect(parseCli(spec, ['--orders', '3', '--help'])).toEqual({ help: true });
    const help = cliHelp(spec);
    expect(help).toContain('usage: npm run demo -- [options]');
    expect(help).toMatch(/--orders N\s+orders to take \(default 800\)/);
    expect(help).toContain('--once');
    expect(help).toContain('--help');
  });

  it('names the known options when it meets an unknown one', () => {
    expect(() => parseCli(spec, ['--order', '3'])).toThrow(CliUsageError);
    expect(() => parseCli(spec, ['--order', '3'])).toThrow(
      /--order.*Known options: --help, --once, --orders, --time, --profile/,
    );
  });

  it('refuses a value-taking option without its value and stray arguments', () => {
    expect(() => parseCli(spec, ['--orders'])).toThrow(CliUsageError);
    expect(() => parseCli(spec, ['stray'])).toThrow(CliUsageError);
  });

  it('reads typed values and names the option in value errors', () => {
    const a = args(['--once', '--orders', '12', '--time', '0.2, 2,10']);
    expect(a.flag('once')).toBe(true);
    expect(a.int('orders', 800, { min: 0 })).toBe(12);
    expect(a.numbers('time', [2], { min: 0 })).toEqual([0.2, 2, 10]);
    expect(args([]).int('orders', 800)).toBe(800);
    expect(args(['--profile', 'van', '--profile', 'truck.json']).all('profile')).toEqual([
      'van',
      'truck.json',
    ]);
    expect(args([]).all('profile')).toEqual([]);
    expect(() => args(['--orders', '2.5']).int('orders', 1)).toThrow(
      /--orders must be a whole number, got '2.5'/,
    );
    expect(() => args(['--orders=-1']).int('orders', 1, { min: 0 })).toThrow(/at least 0/);
    expect(() => args(['--time', '1,x']).numbers('time', [])).toThrow(/--time must be a list of numbers/);
    expect(() => args(['--orders', 'abc']).choice('orders', ['a', 'b'], 'a')).toThrow(/one of a, b/);
  });
});

describe('unknownOptionProblem (scripts with a hand-written help)', () => {
  const known = ['days', 'out'];
  it('accepts known options with values in either form', () => {
    expect(unknownOptionProblem(known, ['--days', '7', '--out=dir'])).toBeNull();
    expect(unknownOptionProblem(known, [])).toBeNull();
  });
  it('names the known options when it meets an unknown one, and refuses stray arguments', () => {
    expect(unknownOptionProblem(known, ['--day', '7'])).toBe(
      "unknown option '--day'. Known options: --help, --days, --out",
    );
    expect(unknownOptionProblem(known, ['--out=x', 'stray'])).toBe("unexpected argument 'stray'");
  });
});
