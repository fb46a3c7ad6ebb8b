import { buildSync } from 'esbuild';
import { join } from 'node:path';

/**
 * Bundles a worker entry (`src/<name>.ts`) into one CommonJS file in `dir`, as `npm run build` would
 * compile it, so a spec can start real worker threads without a build. Returns the file's path.
 */
export function bundleWorker(name: string, dir: string): string {
  const outfile = join(dir, `${name}.js`);
  buildSync({
    entryPoints: [join(__dirname, '../src', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    tsconfig: join(__dirname, '../../../tsconfig.json'),
    logLevel: 'silent',
  });
  return outfile;
}
