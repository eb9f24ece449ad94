/**
 * Child process entry: renders one SVG at a time to raw RGBA pixels and sends them back. It holds no
 * state worth keeping, so its parent may kill it at any moment (deadline, memory) and start another.
 * It never outlives its parent: when the IPC channel closes, it kills itself at once, even while
 * librsvg still renders on libvips' threads (the JS thread stays free for that).
 */
import sharp from 'sharp';
import { isRenderRequest, type RenderReply, type RenderRequest } from './protocol.js';

const threads = Number(process.argv[2] ?? '1');
sharp.concurrency(Number.isInteger(threads) && threads > 0 ? threads : 1);
sharp.cache(false);
// This process reads nothing but SVG.
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({ operation: ['VipsForeignLoadSvg'] });

function die(): never {
  // Not process.exit: exit handlers could wait for libvips' threads, which may be stuck in librsvg.
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

process.on('disconnect', die);

async function render(request: RenderRequest): Promise<RenderReply> {
  try {
    const { data, info } = await sharp(request.svg, {
      density: request.density,
      limitInputPixels: request.limitInputPixels,
      failOn: 'none',
    })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { ok: true, data, width: info.width, height: info.height, channels: 4 };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

process.on('message', (message: unknown) => {
  if (!isRenderRequest(message)) die();
  void render(message).then((reply) => {
    process.send?.(reply);
  });
});
