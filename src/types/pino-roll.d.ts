/**
 * pino-roll 4 ships no types. Only what src/log.ts uses is declared, as its source reads
 * (pino-roll.js, lib/utils.js): an async factory returning a SonicBoom that rolls itself.
 */
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  export interface PinoRollOptions {
    /** Base path; rolled files are `<base>.<date>.<number>.<extension>`. */
    readonly file: string;
    readonly frequency?: 'daily' | 'hourly' | number;
    /** date-fns format of the date segment. */
    readonly dateFormat?: string;
    readonly size?: string | number;
    readonly symlink?: boolean;
    /** On each roll: keep `count` files besides the active one; with removeOtherLogFiles, also files of earlier processes. */
    readonly limit?: { readonly count: number; readonly removeOtherLogFiles?: boolean };
    /** SonicBoom: create the directory. */
    readonly mkdir?: boolean;
    readonly minLength?: number;
    readonly sync?: boolean;
    /** SonicBoom: `buffer` takes Buffers as written (write() then takes a Buffer, not a string). */
    readonly contentMode?: 'buffer' | 'utf8';
  }

  /** The SonicBoom stream pino-roll returns. Emits 'ready', 'error', 'close' and, after pruning, 'cleanup-complete'. */
  export interface RollingFileStream extends EventEmitter {
    /** The file currently written. */
    readonly file: string;
    /** A string, or a Buffer in contentMode `buffer`. */
    write(data: string | Buffer): boolean;
    end(): void;
    /** With minLength: writes out what is buffered (asynchronously). */
    flush(): void;
    flushSync(): void;
    readonly destroyed: boolean;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<RollingFileStream>;
}
