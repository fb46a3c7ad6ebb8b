import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DomainError, DomainErrorCode } from '@rd/domain';

/** One answer for a path outside the directory, a missing file, a FIFO or a device: no existence oracle. */
const NOT_A_SOURCE = 'no such map source in the maps directory';

/**
 * Resolves a map source named over HTTP to a regular file inside the sources directory (after
 * following symlinks), no larger than the limit. Errors never name a server path.
 */
export function resolveMapSource(name: string, sourcesDir: string, maxBytes: number): string {
  const refuse = (reason: string, code = DomainErrorCode.Validation) =>
    new DomainError(code, 'the map source cannot be imported', [{ field: 'file', reason }]);
  if (isAbsolute(name) || name.includes('\0')) throw refuse(NOT_A_SOURCE);
  let root: string;
  let path: string;
  try {
    root = realpathSync(resolve(sourcesDir));
    path = realpathSync(join(root, name));
  } catch {
    throw refuse(NOT_A_SOURCE);
  }
  const inside = relative(root, path);
  if (!inside || inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside))
    throw refuse(NOT_A_SOURCE);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw refuse(NOT_A_SOURCE);
  if (stat.size > maxBytes) throw refuse(`the file is larger than ${maxBytes} bytes`);
  return path;
}
