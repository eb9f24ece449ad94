/**
 * The bench's origin as its own process: served from memory, and off the load generator's event
 * loop, which is saturated during a run (an origin sharing it would make misses look slow).
 */
import { startBenchOrigin } from './lib/origin.js';

const fixtures = process.argv[2] ?? '';
const origin = await startBenchOrigin(fixtures);
process.stdout.write(`${JSON.stringify({ msg: 'listening', port: Number(new URL(origin.base).port) })}\n`);
process.on('SIGTERM', () => {
  void origin.close().then(() => process.exit(0));
});
