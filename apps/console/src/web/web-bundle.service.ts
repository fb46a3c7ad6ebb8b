import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { build } from 'esbuild';

export interface WebAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

/** The browser sources live beside the server's in the repository (apps/console/web). */
function findWebEntry(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const entry = join(dir, 'apps', 'console', 'web', 'main.ts');
    if (existsSync(entry)) return entry;
    if (dirname(dir) === dir) throw new Error('apps/console/web/main.ts not found above ' + __dirname);
  }
}

/**
 * Bundles the single-page console once at start-up with esbuild (TypeScript, Leaflet and its CSS
 * into one minified script and one stylesheet; no CDN), and keeps the result in memory.
 */
@Injectable()
export class WebBundle implements OnModuleInit {
  private readonly logger = new Logger(WebBundle.name);
  private assets = new Map<string, WebAsset>();

  async onModuleInit(): Promise<void> {
    const started = performance.now();
    const result = await build({
      entryPoints: { app: findWebEntry() },
      bundle: true,
      minify: true,
      format: 'iife',
      target: 'es2020',
      outdir: 'bundle',
      write: false,
      loader: { '.png': 'dataurl', '.svg': 'dataurl' },
      logLevel: 'silent',
    });
    for (const file of result.outputFiles) {
      const name = file.path.endsWith('.css') ? 'app.css' : 'app.js';
      const body = Buffer.from(file.contents);
      this.assets.set(name, {
        body,
        contentType: name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8',
        etag: `"${createHash('sha1').update(body).digest('hex').slice(0, 16)}"`,
      });
    }
    const sizes = [...this.assets].map(([n, a]) => `${n} ${(a.body.length / 1024).toFixed(0)} KiB`);
    this.logger.log(`console bundled in ${(performance.now() - started).toFixed(0)} ms: ${sizes.join(', ')}`);
  }

  asset(name: string): WebAsset | undefined {
    return this.assets.get(name);
  }
}
