import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateMosquitto {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export async function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A Mosquitto of the test's own on a free loopback port (never the shared one on 1883), from a conf
 * body (`listener` and file paths are added here). Started as root, Mosquitto drops to the `mosquitto`
 * user, so its files are handed to that user.
 */
export async function startPrivateMosquitto(options: {
  conf: string;
  passwords?: string;
  acl?: string;
}): Promise<PrivateMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'rd-mosquitto-'));
  chmodSync(dir, 0o755);
  const port = await freeTcpPort();
  const lines = [`listener ${port} 127.0.0.1`, options.conf, `persistence_location ${dir}/`];
  if (options.passwords !== undefined) {
    writeFileSync(join(dir, 'passwords'), options.passwords);
    lines.push(`password_file ${join(dir, 'passwords')}`);
  }
  if (options.acl !== undefined) {
    writeFileSync(join(dir, 'acl'), options.acl);
    lines.push(`acl_file ${join(dir, 'acl')}`);
  }
  writeFileSync(join(dir, 'mosquitto.conf'), lines.join('\n') + '\n');
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'mosquitto']).toString());
    const gid = Number(execFileSync('id', ['-g', 'mosquitto']).toString());
    for (const f of ['', 'passwords', 'acl', 'mosquitto.conf']) {
      try {
        chownSync(join(dir, f), uid, gid);
      } catch {
        // file not written for this broker
      }
    }
  }
  const child = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    await waitForPort(port, child, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${stderr || readConf(dir)}`, { cause: error });
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readConf(dir: string): string {
  try {
    return readFileSync(join(dir, 'mosquitto.conf'), 'utf8');
  } catch {
    return '';
  }
}

/** The broker settings the project ships (docker/mosquitto.conf) minus listener and file paths. */
export const TUNED_MOSQUITTO_CONF = [
  'allow_anonymous false',
  'persistence true',
  'autosave_on_changes true',
  'max_inflight_messages 1000',
  'max_queued_messages 1000000',
  'max_queued_bytes 0',
  'set_tcp_nodelay true',
].join('\n');
