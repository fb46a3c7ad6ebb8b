// Fails when a fresh `npm ci` would fail or warn: the lock file out of sync with package.json (for
// example other platforms' optional binaries missing), an engine the declared Node cannot meet, or an
// install script nobody decided on. Runs npm's own dry run, so it needs no network and changes nothing.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], {
  encoding: 'utf8',
});
const output = `${run.stdout}\n${run.stderr}`;
const problems = output
  .split('\n')
  .filter((line) => /npm error|EBADENGINE|EUSAGE|not yet covered by allowScripts/.test(line));
if (run.status !== 0 || problems.length) {
  console.error(output);
  console.error(
    `check-install: a fresh \`npm ci\` would not be clean (exit ${run.status}, ${problems.length} problem lines)`,
  );
  process.exit(1);
}
console.log('check-install: package-lock.json is complete and a fresh npm ci is quiet');
