/**
 * A throw-away Debian nginx on loopback: its own prefix directory, pid file and logs, in the
 * foreground, with the given `http { }` content. Used as the fleet's front and as a caching proxy
 * standing in for a CDN.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const nginxBinary = ['/usr/sbin/nginx', 'nginx'].find((path) => spawnSync(path, ['-v'], { stdio: 'ignore' }).status === 0);

export interface Nginx {
  readonly dir: string;
  readonly errors: () => Promise<string>;
  stop(): Promise<void>;
}

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

/** `httpBody` may be a function of nginx's own directory, for paths such as a proxy_cache_path. */
export async function startNginx(httpBody: string | ((dir: string) => string), port: number): Promise<Nginx> {
  if (nginxBinary === undefined) throw new Error('nginx is not installed');
  const dir = await mkdtemp(join(tmpdir(), 'pixproxy-nginx-'));
  // As root, nginx's workers would switch to nobody, who cannot write in our private directory.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  const conf = `${user}worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
${typeof httpBody === 'string' ? httpBody : httpBody(dir)}
}
`;
  await writeFile(join(dir, 'nginx.conf'), conf);
  const child = spawn(nginxBinary, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) child.kill('SIGKILL');
      const log = await readFile(join(dir, 'error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx did not start: ${stderr} ${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    dir,
    errors: () => readFile(join(dir, 'error.log'), 'utf8').catch(() => ''),
    async stop() {
      // SIGQUIT: graceful; the master waits for its worker.
      if (child.exitCode === null) child.kill('SIGQUIT');
      const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
