/** A throw-away Varnish (Debian's varnishd) on loopback in front of one backend, with a PURGE rule. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:net';
import { freePort } from '../ratelimit/redis-server.js';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export const varnishInstalled = spawnSync('varnishd', ['-V'], { stdio: 'ignore' }).status === 0;

export interface Varnish {
  readonly port: number;
  readonly base: string;
  stop(): Promise<void>;
}

/** The purge rule a self-hosted cache needs: `PURGE` from loopback drops the object for Host + URL. */
export function purgeVcl(backendPort: number): string {
  return `vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "${backendPort}"; }
acl purgers { "127.0.0.1"; }
sub vcl_recv {
  if (req.method == "PURGE") {
    if (!client.ip ~ purgers) { return (synth(405, "Not allowed")); }
    return (purge);
  }
}
`;
}

export async function startVarnish(backendPort: number, port?: number): Promise<Varnish> {
  const chosen = port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-varnish-'));
  await writeFile(join(dir, 'default.vcl'), purgeVcl(backendPort));
  // -j none: no privilege separation, so it runs in a temporary directory as whoever runs the tests.
  const child = spawn('varnishd', ['-F', '-j', 'none', '-a', `127.0.0.1:${chosen}`, '-f', join(dir, 'default.vcl'), '-n', join(dir, 'work'), '-s', 'malloc,32m'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`varnishd did not start: ${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes('Child launched OK')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`varnishd exited with ${code}: ${output}`));
    });
  });
  // The manager reports the child launched a moment before the listen socket takes connections.
  const deadline = Date.now() + 10_000;
  while (!(await accepts(chosen))) {
    if (Date.now() > deadline || child.exitCode !== null) {
      if (child.exitCode === null) child.kill('SIGTERM');
      throw new Error(`varnishd does not accept connections on ${chosen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port: chosen,
    base: `http://127.0.0.1:${chosen}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
