import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The shared test and benchmark data (OSM extracts, Solomon instances) lives outside the repo:
 * `RD_SHARED_DATA` if set, else `../shared/data` beside the repository root.
 */
export function sharedDataDir(): string {
  const fromEnv = process.env.RD_SHARED_DATA;
  const dir = fromEnv ? resolve(fromEnv) : resolve(repoRoot(), '..', 'shared', 'data');
  if (!existsSync(dir)) {
    throw new Error(
      `shared data not found at ${dir}: set RD_SHARED_DATA to the folder holding osm/ and solomon/`,
    );
  }
  return dir;
}

export function sharedDataPath(...parts: string[]): string {
  return join(sharedDataDir(), ...parts);
}

/** The repository root: the nearest ancestor of this file holding package.json and nest-cli.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'nest-cli.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return process.cwd();
}
