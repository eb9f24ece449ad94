/**
 * What is on disk, in memory, compactly: for every disk entry its key, size, source and last use, so
 * the disk tier can stay under CACHE_MAX_BYTES by evicting the least recently used entries (cacache
 * has no eviction of its own) and a whole source can be purged without reading the disk's index.
 *
 * A box serving millions of requests an hour holds hundreds of thousands of variants (10 GiB at
 * ~15 kB is ~700 k entries), so this is sized per entry like nginx's proxy_cache keys zone rather
 * than as a Map of objects (which cost ~1.8 kB per entry with its strings):
 *   - the key, a hex SHA-256 (src/plan/key.ts), kept as its 32 bytes;
 *   - the source as a 64-bit hash of its text (a purge is given the source, so it only has to find
 *     candidates; a 64-bit collision is ~1e-8 likely among a million sources, and the caller checks
 *     the stored source before deleting anyway);
 *   - the size as 32 bits (an entry is at most a few MiB), the last use as a float64 stamp;
 * in pages of typed arrays (no per-entry object, nothing for the GC to trace), found through an
 * open-addressing table of slot numbers with linear probing, keyed by the key's first 32 bits (a
 * SHA-256 is already uniform). About 60-70 bytes per entry in all; see `allocatedBytes`.
 *
 * Recency is a stamp rather than a list: a use stamps the entry with the time (strictly increasing,
 * so uses within one millisecond still order), and entries found on disk at start are stamped with
 * when they were written (before anything used in this process). Eviction selects the oldest stamps
 * whose sizes add up to what must go (a weighted quickselect, linear in the entries), so it is exact
 * LRU for uses in this process and "oldest written first" for entries not used since the restart.
 *
 * The disk's index is read in the background after a restart (`beginLoad`/`addLoaded`/`endLoad`),
 * while entries are already used, written and removed: a loaded entry never overrides what this
 * process recorded, and an entry removed while loading is not brought back by a stale read.
 */

/** Slots per page: 16 Ki slots are 832 KiB of typed arrays. */
const PAGE_BITS = 14;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;
/** Key words (32 bytes) and source words (64 bits) per slot. */
const KEY_WORDS = 8;
const SOURCE_WORDS = 2;
/** Largest share of the table's buckets in use before it doubles. */
const MAX_LOAD = 0.7;
const INITIAL_TABLE = 1 << 12;

interface Page {
  readonly keys: Uint32Array;
  readonly sources: Uint32Array;
  readonly sizes: Uint32Array;
  /** Last use; NaN marks a free slot. */
  readonly stamps: Float64Array;
}

function newPage(): Page {
  const stamps = new Float64Array(PAGE);
  stamps.fill(Number.NaN);
  return { keys: new Uint32Array(PAGE * KEY_WORDS), sources: new Uint32Array(PAGE * SOURCE_WORDS), sizes: new Uint32Array(PAGE), stamps };
}

const PAGE_BYTES = PAGE * (KEY_WORDS * 4 + SOURCE_WORDS * 4 + 4 + 8);

/** Value of each lowercase hex digit by character code; -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i += 1) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/** Parses a 64-character lowercase hex key into `out`; false if it is not one. */
export function parseKey(key: string, out: Uint32Array): boolean {
  if (key.length !== 64) return false;
  for (let w = 0; w < KEY_WORDS; w += 1) {
    let word = 0;
    for (let c = 0; c < 8; c += 1) {
      const v = HEX_VALUE[key.charCodeAt(w * 8 + c)] ?? -1;
      if (v < 0) return false;
      word = (word << 4) | v;
    }
    out[w] = word >>> 0;
  }
  return true;
}

export function isIndexableKey(key: string): boolean {
  return parseKey(key, new Uint32Array(KEY_WORDS));
}

const formatScratch = Buffer.alloc(KEY_WORDS * 4);

function formatKey(words: Uint32Array, offset: number): string {
  for (let w = 0; w < KEY_WORDS; w += 1) formatScratch.writeUInt32BE(words[offset + w] ?? 0, w * 4);
  return formatScratch.toString('hex');
}

/** Two independent 32-bit FNV-1a hashes of the source text: 64 bits to find a source's entries. */
function hashSource(source: string, out: Uint32Array): void {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < source.length; i += 1) {
    const c = source.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  out[0] = a >>> 0;
  out[1] = b >>> 0;
}

/**
 * Oldest entries chosen for eviction, with the stamp each had when chosen (to skip any used since).
 * Keys are kept as words and turned into text one at a time, as they are evicted.
 */
export class Victims {
  constructor(
    private readonly keyWords: Uint32Array,
    readonly stamps: Float64Array,
    readonly bytes: number,
  ) {}

  get count(): number {
    return this.stamps.length;
  }

  keyAt(i: number): string {
    return formatKey(this.keyWords, i * KEY_WORDS);
  }

  keys(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.keyAt(i));
  }
}

export class CompactIndex {
  private readonly pages: Page[] = [];
  /** Slot + 1 per bucket; 0 is empty. */
  private table = new Int32Array(INITIAL_TABLE);
  private mask = INITIAL_TABLE - 1;
  /** Slots handed out so far (free ones are reused first). */
  private highWater = 0;
  private readonly freeSlots: number[] = [];
  private count = 0;
  private total = 0;
  private clock = 0;
  /** Everything before this was written before the process started. */
  private readonly startedAt: number;
  /** Keys removed while the disk's index is being read: a stale read must not bring them back. */
  private removedWhileLoading: Set<string> | undefined;
  private readonly scratchKey = new Uint32Array(KEY_WORDS);
  private readonly scratchSource = new Uint32Array(SOURCE_WORDS);

  /** `now` is injectable for tests. */
  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** Bytes of content of all entries. */
  get bytes(): number {
    return this.total;
  }

  get size(): number {
    return this.count;
  }

  get loading(): boolean {
    return this.removedWhileLoading !== undefined;
  }

  /** Memory held by the index itself (typed arrays and the free list). */
  allocatedBytes(): number {
    return this.pages.length * PAGE_BYTES + this.table.byteLength + this.freeSlots.length * 8;
  }

  /** A strictly increasing use stamp that follows the wall clock. */
  private tick(): number {
    const now = this.now();
    // 1/1024 ms is exact at today's magnitudes (the float64 step near 1.7e12 is 1/4096).
    this.clock = now > this.clock ? now : this.clock + 1 / 1024;
    return this.clock;
  }

  private page(slot: number): Page {
    const page = this.pages[slot >>> PAGE_BITS];
    if (!page) throw new Error(`slot ${slot} out of range`);
    return page;
  }

  /** The table bucket holding the scratch key, or the empty bucket where it would go (negative - 1). */
  private find(key: Uint32Array): number {
    const { table, mask } = this;
    let i = (key[0] ?? 0) & mask;
    for (;;) {
      const entry = table[i] ?? 0;
      if (entry === 0) return -i - 1;
      const slot = entry - 1;
      const page = this.page(slot);
      const base = (slot & PAGE_MASK) * KEY_WORDS;
      const words = page.keys;
      let same = true;
      for (let w = 0; w < KEY_WORDS; w += 1) {
        if (words[base + w] !== key[w]) {
          same = false;
          break;
        }
      }
      if (same) return i;
      i = (i + 1) & mask;
    }
  }

  private slotAt(bucket: number): number {
    return (this.table[bucket] ?? 0) - 1;
  }

  private lookup(key: string): number {
    if (!parseKey(key, this.scratchKey)) return -1;
    const bucket = this.find(this.scratchKey);
    return bucket < 0 ? -1 : this.slotAt(bucket);
  }

  has(key: string): boolean {
    return this.lookup(key) >= 0;
  }

  /** The entry's last-use stamp, or undefined when unknown. */
  stampOf(key: string): number | undefined {
    const slot = this.lookup(key);
    return slot < 0 ? undefined : this.page(slot).stamps[slot & PAGE_MASK];
  }

  sizeOf(key: string): number | undefined {
    const slot = this.lookup(key);
    return slot < 0 ? undefined : this.page(slot).sizes[slot & PAGE_MASK];
  }

  /** Records a write (or a use of an entry not known yet); the entry becomes the most recent. */
  record(key: string, size: number, source: string): void {
    this.upsert(key, size, source, this.tick(), true);
    this.removedWhileLoading?.delete(key);
  }

  /** Marks a use; false when the entry is unknown. */
  touch(key: string): boolean {
    const slot = this.lookup(key);
    if (slot < 0) return false;
    this.page(slot).stamps[slot & PAGE_MASK] = this.tick();
    return true;
  }

  /** Starts reading the disk's index: removals are remembered until `endLoad`. */
  beginLoad(): void {
    this.removedWhileLoading = new Set();
  }

  endLoad(): void {
    this.removedWhileLoading = undefined;
  }

  /**
   * Adds an entry found on disk, stamped with when it was written, unless this process already
   * knows it (its own record is newer) or removed it since the load began. True if added.
   */
  addLoaded(key: string, size: number, source: string, writtenAt: number): boolean {
    if (this.removedWhileLoading?.has(key)) return false;
    return this.upsert(key, size, source, Math.min(writtenAt, this.startedAt), false);
  }

  private upsert(key: string, size: number, source: string, stamp: number, replace: boolean): boolean {
    if (!parseKey(key, this.scratchKey)) throw new TypeError(`not a hex SHA-256 cache key: ${key}`);
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) throw new RangeError(`entry size ${size}`);
    let bucket = this.find(this.scratchKey);
    let slot: number;
    if (bucket >= 0) {
      if (!replace) return false;
      slot = this.slotAt(bucket);
      this.total -= this.page(slot).sizes[slot & PAGE_MASK] ?? 0;
    } else {
      if ((this.count + 1) / this.table.length > MAX_LOAD) {
        this.grow();
        bucket = this.find(this.scratchKey);
      }
      slot = this.allocate();
      this.table[-bucket - 1] = slot + 1;
      this.count += 1;
      const page = this.page(slot);
      page.keys.set(this.scratchKey, (slot & PAGE_MASK) * KEY_WORDS);
    }
    const page = this.page(slot);
    const at = slot & PAGE_MASK;
    hashSource(source, this.scratchSource);
    page.sources.set(this.scratchSource, at * SOURCE_WORDS);
    page.sizes[at] = size;
    page.stamps[at] = stamp;
    this.total += size;
    return true;
  }

  private allocate(): number {
    const reused = this.freeSlots.pop();
    if (reused !== undefined) return reused;
    const slot = this.highWater;
    if (slot >>> PAGE_BITS >= this.pages.length) this.pages.push(newPage());
    this.highWater += 1;
    return slot;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Int32Array(old.length * 2);
    this.mask = this.table.length - 1;
    for (const entry of old) {
      if (entry === 0) continue;
      const slot = entry - 1;
      let i = (this.page(slot).keys[(slot & PAGE_MASK) * KEY_WORDS] ?? 0) & this.mask;
      while (this.table[i] !== 0) i = (i + 1) & this.mask;
      this.table[i] = entry;
    }
  }

  /** Forgets an entry; returns its size, or undefined when it was unknown. */
  remove(key: string): number | undefined {
    this.removedWhileLoading?.add(key);
    if (!parseKey(key, this.scratchKey)) return undefined;
    const bucket = this.find(this.scratchKey);
    if (bucket < 0) return undefined;
    const slot = this.slotAt(bucket);
    const page = this.page(slot);
    const at = slot & PAGE_MASK;
    const size = page.sizes[at] ?? 0;
    page.stamps[at] = Number.NaN;
    page.sizes[at] = 0;
    this.freeSlots.push(slot);
    this.count -= 1;
    this.total -= size;
    this.unlink(bucket);
    return size;
  }

  /** Empties a table bucket, shifting later entries of its probe run back (no tombstones). */
  private unlink(bucket: number): void {
    const { table, mask } = this;
    let hole = bucket;
    table[hole] = 0;
    let j = hole;
    for (;;) {
      j = (j + 1) & mask;
      const entry = table[j] ?? 0;
      if (entry === 0) return;
      const slot = entry - 1;
      const home = (this.page(slot).keys[(slot & PAGE_MASK) * KEY_WORDS] ?? 0) & mask;
      // The entry at j may move into the hole unless its home lies cyclically within (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      table[hole] = entry;
      table[j] = 0;
      hole = j;
    }
  }

  /**
   * The least recently used entries whose sizes add up to at least `bytesToFree` (all entries if
   * they do not), in no particular order. Linear time: a quickselect weighted by size.
   */
  oldest(bytesToFree: number): Victims {
    const n = this.count;
    const stamps = new Float64Array(n);
    const sizes = new Float64Array(n);
    const slots = new Int32Array(n);
    let live = 0;
    for (let p = 0; p < this.pages.length; p += 1) {
      const page = this.pages[p] as Page;
      live = gatherLive(page.stamps, page.sizes, p << PAGE_BITS, stamps, sizes, slots, live);
    }
    const take = bytesToFree <= 0 ? 0 : bytesToFree >= this.total ? live : selectOldest(stamps, sizes, slots, live, bytesToFree);
    const keyWords = new Uint32Array(take * KEY_WORDS);
    let bytes = 0;
    for (let i = 0; i < take; i += 1) {
      const slot = slots[i] ?? 0;
      const words = this.page(slot).keys;
      const from = (slot & PAGE_MASK) * KEY_WORDS;
      for (let w = 0; w < KEY_WORDS; w += 1) keyWords[i * KEY_WORDS + w] = words[from + w] ?? 0;
      bytes += sizes[i] ?? 0;
    }
    return new Victims(keyWords, stamps.slice(0, take), bytes);
  }

  /** Keys of the entries whose source hashes like `source` (candidates: check before deleting). */
  keysOfSource(source: string): string[] {
    const wanted = new Uint32Array(SOURCE_WORDS);
    hashSource(source, wanted);
    const [first, second] = wanted;
    const keys: string[] = [];
    for (const page of this.pages) {
      const { sources, stamps } = page;
      for (let at = 0; at < PAGE; at += 1) {
        if (sources[at * SOURCE_WORDS] !== first || sources[at * SOURCE_WORDS + 1] !== second) continue;
        const stamp = stamps[at] ?? Number.NaN;
        if (stamp === stamp) keys.push(formatKey(page.keys, at * KEY_WORDS));
      }
    }
    return keys;
  }
}

/** Copies the live slots of one page into the selection arrays from row `live`; returns the next row. */
function gatherLive(pageStamps: Float64Array, pageSizes: Uint32Array, firstSlot: number, stamps: Float64Array, sizes: Float64Array, slots: Int32Array, live: number): number {
  let row = live;
  for (let at = 0; at < PAGE; at += 1) {
    const stamp = pageStamps[at] as number;
    if (stamp !== stamp) continue; // NaN: a free slot
    stamps[row] = stamp;
    sizes[row] = pageSizes[at] as number;
    slots[row] = firstSlot + at;
    row += 1;
  }
  return row;
}

function swap(stamps: Float64Array, sizes: Float64Array, slots: Int32Array, a: number, b: number): void {
  const stamp = stamps[a] ?? 0;
  stamps[a] = stamps[b] ?? 0;
  stamps[b] = stamp;
  const size = sizes[a] ?? 0;
  sizes[a] = sizes[b] ?? 0;
  sizes[b] = size;
  const slot = slots[a] ?? 0;
  slots[a] = slots[b] ?? 0;
  slots[b] = slot;
}

/**
 * Reorders the first `n` rows so that the first k (returned) are the oldest by stamp and the
 * smallest such prefix whose sizes reach `need`. Three-way partitions around a random pivot.
 */
function selectOldest(stamps: Float64Array, sizes: Float64Array, slots: Int32Array, n: number, need: number): number {
  let lo = 0;
  let hi = n;
  let left = need;
  // Invariant: rows [0, lo) are taken, rows [hi, n) are not, and rows [lo, hi) hold at least `left`.
  while (lo < hi) {
    const pivot = stamps[lo + Math.floor(Math.random() * (hi - lo))] ?? 0;
    let lt = lo;
    let i = lo;
    let gt = hi;
    let less = 0;
    while (i < gt) {
      const stamp = stamps[i] ?? 0;
      if (stamp < pivot) {
        less += sizes[i] ?? 0;
        swap(stamps, sizes, slots, lt, i);
        lt += 1;
        i += 1;
      } else if (stamp > pivot) {
        gt -= 1;
        swap(stamps, sizes, slots, i, gt);
      } else {
        i += 1;
      }
    }
    if (less >= left) {
      hi = lt;
      continue;
    }
    left -= less;
    for (let k = lt; k < gt; k += 1) {
      left -= sizes[k] ?? 0;
      if (left <= 0) return k + 1;
    }
    lo = gt;
  }
  return lo;
}
