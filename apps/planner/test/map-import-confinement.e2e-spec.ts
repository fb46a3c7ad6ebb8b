import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startApp, type RunningApp } from '@rd/testing';
import { createPlannerApp } from '../src/create-planner-app';

describe('map import reads only regular files of the configured sources directory', () => {
  const sourcesDir = mkdtempSync(join(tmpdir(), 'rd-map-sources-'));
  let app: RunningApp;
  const post = (body: object, role: 'admin' | 'dispatcher' = 'admin') =>
    request(app.app.getHttpServer()).post('/v1/maps').set('Authorization', app.auth(role)).send(body);

  beforeAll(async () => {
    writeFileSync(join(sourcesDir, 'big.osm'), 'x'.repeat(4096));
    execFileSync('mkfifo', [join(sourcesDir, 'pipe.osm')]);
    symlinkSync('/etc/passwd', join(sourcesDir, 'escape.osm'));
    app = await startApp('map_confinement', createPlannerApp, {
      MAP_SOURCES_DIR: sourcesDir,
      MAP_SOURCE_MAX_BYTES: '1024',
    });
  });
  afterAll(() => app.close());

  it('refuses paths outside the directory, missing files, FIFOs, symlinks out and oversized files alike', async () => {
    const reasons = new Set<string>();
    for (const file of [
      '/etc/shadow',
      '/etc/passwd',
      '../../../etc/passwd',
      'missing.osm.pbf',
      'pipe.osm',
      'escape.osm',
      '/dev/zero',
    ]) {
      const res = await post({ region: 'r1', file });
      expect({ file, status: res.status }).toEqual({ file, status: 400 });
      expect(JSON.stringify(res.body)).not.toContain(sourcesDir);
      expect(JSON.stringify(res.body)).not.toContain('/etc');
      reasons.add(res.body.details[0].reason);
    }
    // One answer for all of them: no existence oracle.
    expect(reasons.size).toBe(1);
    const big = await post({ region: 'r1', file: 'big.osm' });
    expect(big.status).toBe(400);
    expect(big.body.details[0].reason).toMatch(/larger than 1024 bytes/);
    const { body: maps } = await request(app.app.getHttpServer())
      .get('/v1/maps')
      .set('Authorization', app.auth('admin'))
      .expect(200);
    expect(maps).toEqual({ items: [], nextCursor: null });
  });
});
