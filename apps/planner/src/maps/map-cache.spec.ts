import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileInSlices } from './map-cache';

describe('readFileInSlices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rd-map-cache-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file of several slices whole (readFile stops at 2 GiB; a province map is larger)', async () => {
    const file = join(dir, 'sparse.rdgraph');
    // 64 MiB slices: a sparse file of two and a bit, marked at the start, across a slice boundary and at the end
    const size = 2 * 64 * 2 ** 20 + 5;
    truncateSync(openAndClose(file), size);
    const marks: Array<[number, string]> = [
      [0, 'head'],
      [64 * 2 ** 20 - 2, 'across'],
      [size - 4, 'tail'],
    ];
    const fd = openSync(file, 'r+');
    for (const [at, text] of marks) writeSync(fd, text, at);
    closeSync(fd);
    const bytes = await readFileInSlices(file);
    expect(bytes.length).toBe(size);
    for (const [at, text] of marks) expect(bytes.subarray(at, at + text.length).toString()).toBe(text);
    expect(bytes[Math.floor(size / 4)]).toBe(0);
  });

  it('refuses a missing file', async () => {
    await expect(readFileInSlices(join(dir, 'missing.rdgraph'))).rejects.toThrow(/ENOENT/);
  });
});

function openAndClose(file: string): string {
  closeSync(openSync(file, 'w'));
  return file;
}
