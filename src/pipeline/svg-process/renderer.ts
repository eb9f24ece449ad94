/**
 * The parent side of SVG rendering in a child process (see protocol.ts for why a process). Each
 * thread that renders keeps one child, started on first use and reused, so an SVG costs an IPC
 * round trip rather than a process start. A render that runs past its deadline or grows past its
 * memory budget is stopped with SIGKILL, and the render counts as running until the child has
 * exited: nothing is left working after its answer, and no more renders run than threads.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isRenderReply, type RenderedPixels, type RenderRequest } from './protocol.js';

export interface RenderBudget {
  /** Wall time the render may take. */
  readonly timeoutMs: number;
  /** Resident memory the child may reach while rendering. */
  readonly maxRssBytes: number;
  /** libvips threads the child uses. */
  readonly threads: number;
}

export type StopReason = 'timeout' | 'memory' | 'crash';

/** The render did not finish: the child was killed (or died) and has exited. */
export class RenderStopped extends Error {
  readonly reason: StopReason;
  constructor(reason: StopReason, detail: string) {
    super(`SVG render stopped (${reason}): ${detail}`);
    this.name = 'RenderStopped';
    this.reason = reason;
  }
}

/** libvips could not render the document (the child is fine and stays). */
export class RenderFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderFailed';
  }
}

/** How often the child's memory is looked at while it renders. */
const MEMORY_POLL_MS = 25;

/** Resident memory of a process, from /proc (Linux); undefined where that cannot be read. */
async function residentBytes(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'latin1');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const childEntry = new URL('./child.js', import.meta.url);

class SvgRenderer {
  private child: ChildProcess | undefined;
  private threads = 0;
  /** Renders on one thread run one after another: one child, one render. */
  private queue: Promise<unknown> = Promise.resolve();

  render(request: RenderRequest, budget: RenderBudget): Promise<RenderedPixels> {
    const run = this.queue.then(() => this.renderNow(request, budget));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private start(threads: number): ChildProcess {
    if (this.child !== undefined && this.threads === threads && this.child.exitCode === null && this.child.connected) {
      return this.child;
    }
    this.child?.kill('SIGKILL');
    const child = fork(childEntry, [String(threads)], {
      // Not the parent's flags (a test runner's, an inspector's): the child is a plain renderer.
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child = child;
    this.threads = threads;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    return child;
  }

  private async renderNow(request: RenderRequest, budget: RenderBudget): Promise<RenderedPixels> {
    const child = this.start(budget.threads);
    // Only while it works does the child keep the parent alive (a CLI run must be able to end).
    child.ref();
    // Bun's IPC channel has no ref/unref (the child alone keeps the parent alive there).
    child.channel?.ref?.();
    try {
      return await this.exchange(child, request, budget);
    } finally {
      child.unref();
      child.channel?.unref?.();
    }
  }

  private exchange(child: ChildProcess, request: RenderRequest, budget: RenderBudget): Promise<RenderedPixels> {
    return new Promise<RenderedPixels>((resolve, reject) => {
      let stopping: StopReason | undefined;
      let watching = true;
      const pid = child.pid;

      const stop = (reason: StopReason): void => {
        if (stopping !== undefined) return;
        stopping = reason;
        child.kill('SIGKILL');
      };
      const cleanup = (): void => {
        watching = false;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (message: unknown): void => {
        if (stopping !== undefined) return;
        cleanup();
        if (!isRenderReply(message)) {
          child.kill('SIGKILL');
          reject(new RenderStopped('crash', 'unexpected reply'));
        } else if (message.ok) {
          resolve(message);
        } else {
          reject(new RenderFailed(message.message));
        }
      };
      // Settles only once the process is gone, so the caller's slot stays taken until then.
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        cleanup();
        reject(new RenderStopped(stopping ?? 'crash', `child exited (${signal ?? code ?? 'unknown'})`));
      };
      const timer = setTimeout(() => stop('timeout'), Math.max(0, budget.timeoutMs));

      const watchMemory = async (): Promise<void> => {
        while (watching && pid !== undefined) {
          const rss = await residentBytes(pid);
          if (rss === undefined) return;
          if (rss > budget.maxRssBytes) {
            stop('memory');
            return;
          }
          await new Promise((wake) => setTimeout(wake, MEMORY_POLL_MS).unref());
        }
      };

      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(request, (error) => {
        if (error) stop('crash');
      });
      void watchMemory();
    });
  }
}

/** One renderer per thread (module state is per thread in worker_threads). */
export const svgRenderer = new SvgRenderer();
