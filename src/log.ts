/**
 * The process logger: structured JSON lines (pino), so an operator's log pipeline can parse them.
 * One logger for the whole process; modules take a child with their own `module` binding.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent): Logger {
  return pino({ level, base: { service: 'pixproxy' }, timestamp: pino.stdTimeFunctions.isoTime });
}
