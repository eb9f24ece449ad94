/**
 * What is on disk, in memory: size, source and last use of every entry, so the disk tier can stay
 * under CACHE_MAX_BYTES by evicting the least recently used entries (cacache has no eviction of its
 * own) and a whole source can be purged without scanning the index. Loaded from cacache's index at
 * start; entries read before that finishes are still counted when they are used or written.
 */
export interface LedgerEntry {
  readonly size: number;
  readonly source: string;
  readonly integrity: string | undefined;
}

export class DiskLedger {
  /** Insertion order is recency order: touching an entry moves it to the end. */
  private readonly entries = new Map<string, LedgerEntry>();
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): LedgerEntry | undefined {
    return this.entries.get(key);
  }

  /**
   * Adds entries found on disk at start as the least recent ones (oldest first), keeping whatever
   * was recorded meanwhile as more recent.
   */
  preload(found: ReadonlyArray<readonly [string, LedgerEntry]>): void {
    const recent = [...this.entries];
    this.entries.clear();
    this.total = 0;
    for (const [key, entry] of [...found, ...recent]) this.record(key, entry);
  }

  /** Records a write; the entry becomes the most recent. */
  record(key: string, entry: LedgerEntry): void {
    this.remove(key);
    this.entries.set(key, entry);
    this.total += entry.size;
  }

  touch(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
  }

  remove(key: string): LedgerEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.total -= entry.size;
    return entry;
  }

  /** Least recently used first, until removing them would bring the total to `targetBytes`. */
  victims(targetBytes: number): [string, LedgerEntry][] {
    const out: [string, LedgerEntry][] = [];
    let remaining = this.total;
    for (const [key, entry] of this.entries) {
      if (remaining <= targetBytes) break;
      out.push([key, entry]);
      remaining -= entry.size;
    }
    return out;
  }

  keysOfSource(source: string): string[] {
    const keys: string[] = [];
    for (const [key, entry] of this.entries) if (entry.source === source) keys.push(key);
    return keys;
  }
}
