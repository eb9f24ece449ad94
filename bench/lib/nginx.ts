/**
 * Limit for hits: Debian's nginx serving the very bytes of pixproxy's hit as a static file, with
 * `sendfile`, keep-alive and no access log. Its own temporary prefix, on loopback only.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSecondsOf, freePort } from './processes.js';

export interface NginxStatic {
  readonly port: number;
  /** CPU seconds of the master and its workers so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

export async function nginxAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('nginx', ['-v'], { stdio: 'ignore' });
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/** Serves `body` with `contentType` at every path. `workers` as nginx's worker_processes. */
export async function startNginxStatic(body: Buffer, contentType: string, workers: number | 'auto'): Promise<NginxStatic> {
  const prefix = await mkdtemp(join(tmpdir(), 'pixproxy-nginx-'));
  // nginx's workers run as nobody: they must be able to read the file.
  await chmod(prefix, 0o755);
  await writeFile(join(prefix, 'hit'), body);
  const port = await freePort();
  const config = `worker_processes ${workers};
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  types { }
  default_type ${contentType};
  server {
    listen 127.0.0.1:${port};
    root ${prefix};
    location / { try_files /hit =404; }
  }
}
`;
  await writeFile(join(prefix, 'nginx.conf'), config);
  const master = spawn('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => master.once('exit', () => resolve()));
  // Ready when it answers.
  for (let tries = 0; ; tries++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      if (tries > 100) throw new Error(`nginx did not start: ${await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const workerPids = async (): Promise<number[]> => {
    const { readdir } = await import('node:fs/promises');
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = await readFile(`/proc/${entry}/stat`, 'latin1');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === master.pid) pids.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
    return pids;
  };
  return {
    port,
    async cpuSeconds() {
      const pids = [master.pid ?? 0, ...(await workerPids())];
      const each = await Promise.all(pids.map((pid) => cpuSecondsOf(pid).catch(() => 0)));
      return each.reduce((sum, s) => sum + s, 0);
    },
    async stop() {
      master.kill('SIGQUIT');
      await exited;
      await rm(prefix, { recursive: true, force: true });
    },
  };
}
