import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

const PROTO_FILE = join('proto', 'rd', 'v1', 'device.proto');

/** The repository's `proto/` tree, found upwards from here (source under ts/jest, or the built `dist/`). */
function findProtoFile(): string {
  let dir = __dirname;
  for (;;) {
    const candidate = join(dir, PROTO_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${PROTO_FILE} not found above ${__dirname}`);
    dir = parent;
  }
}

let cached: { envelope: protobuf.Type; downlink: protobuf.Type } | undefined;

/** The device message types, reflected once from `proto/rd/v1/device.proto` (one schema for every edge). */
export function deviceProtoTypes(): { envelope: protobuf.Type; downlink: protobuf.Type } {
  if (!cached) {
    const { root } = protobuf.parse(readFileSync(findProtoFile(), 'utf8'));
    cached = { envelope: root.lookupType('rd.v1.Envelope'), downlink: root.lookupType('rd.v1.Downlink') };
  }
  return cached;
}
