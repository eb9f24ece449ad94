/**
 * A global budget for origin bytes held in memory (DOWNLOAD_MEMORY_BYTES). Without it the limits
 * multiply: 32 downloads of up to 100 MiB each, then a copy of each, then the queue for a worker.
 *
 * The fetcher reserves as bytes arrive (`reserve(undefined)`, then `tryGrow`/`grow` per chunk) and
 * stops reading while the budget is spent. Reserving a declared Content-Length up front would let
 * an origin that declares 100 MB and sends nothing pin the budget for everyone; `reserve(bytes)`
 * does that admission (first come, first served) for callers that want it. So that growing
 * downloads never wait for each other forever, the oldest one still growing may always grow:
 * memory stays under the budget plus one MAX_DOWNLOAD_BYTES, and some download always progresses.
 * Bytes stay reserved until the body is dropped (after processing, see `release`). Waiting reads
 * nothing from the socket, so undici and TCP push back on the origin.
 */

interface Waiter {
  readonly bytes: number;
  /** Set for growth of a reservation already held; undefined for a new download. */
  readonly reservation: Reservation | undefined;
  readonly grant: () => void;
}

export class Reservation {
  /** Bytes this download holds. */
  held = 0;
  private released = false;

  constructor(private readonly budget: ByteBudget) {}

  /** Reserves `bytes` more at once if the budget allows it now; false means call `grow`. */
  tryGrow(bytes: number): boolean {
    return this.budget.tryGrow(this, bytes);
  }

  /** Waits until `bytes` more may be held; rejects with the signal's reason if it aborts first. */
  grow(bytes: number, signal: AbortSignal): Promise<void> {
    return this.budget.wait({ bytes, reservation: this }, signal);
  }

  /** The body is complete: this download no longer grows (and no longer has the right of way). */
  doneGrowing(): void {
    this.budget.stopGrowing(this);
  }

  /** Gives back what is held beyond `bytes` (e.g. the chunks once copied into one buffer). */
  shrinkTo(bytes: number): void {
    if (!this.released && bytes < this.held) this.budget.giveBack(this, this.held - bytes);
  }

  /** Gives every byte back. Idempotent: the body's last holder calls it once the body is dropped. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.give(this);
  }
}

export class ByteBudget {
  private used = 0;
  /** New downloads waiting for their first reservation, in arrival order. */
  private readonly admissions: Waiter[] = [];
  /** Downloads of unknown length waiting to hold more. */
  private readonly growths: Waiter[] = [];
  /** Downloads of unknown length still reading, oldest first: the first may always grow. */
  private readonly growers = new Set<Reservation>();

  constructor(readonly capacity: number) {}

  /** Bytes reserved right now. */
  get inUse(): number {
    return this.used;
  }

  /** Downloads waiting for bytes. */
  get waiting(): number {
    return this.admissions.length + this.growths.length;
  }

  /**
   * A new download: `bytes` is its Content-Length, or undefined when unknown (it then grows as
   * its body arrives). Resolves when the bytes are held; waits behind earlier downloads; rejects
   * with the signal's reason if it aborts first. A length above the whole budget waits until the
   * budget is empty and then goes alone.
   */
  async reserve(bytes: number | undefined, signal: AbortSignal): Promise<Reservation> {
    const reservation = new Reservation(this);
    const wanted = bytes ?? 0;
    if (this.admissions.length === 0 && this.admits(wanted)) this.take(reservation, wanted);
    else await this.wait({ bytes: wanted, reservation: undefined, grant: () => this.take(reservation, wanted) }, signal);
    if (bytes === undefined) this.growers.add(reservation);
    return reservation;
  }

  /** @internal Reservation.tryGrow */
  tryGrow(reservation: Reservation, bytes: number): boolean {
    if (!this.mayGrow(reservation, bytes)) return false;
    this.take(reservation, bytes);
    return true;
  }

  /** @internal Reservation.grow and the admission line. */
  wait(request: { bytes: number; reservation: Reservation | undefined; grant?: () => void }, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const line = request.reservation === undefined ? this.admissions : this.growths;
      const { reservation, bytes } = request;
      const waiter: Waiter = {
        bytes,
        reservation,
        grant: () => {
          signal.removeEventListener('abort', leave);
          if (request.grant) request.grant();
          else if (reservation) this.take(reservation, bytes);
          resolve();
        },
      };
      const leave = (): void => {
        const at = line.indexOf(waiter);
        if (at >= 0) line.splice(at, 1);
        // Whoever was behind us may fit now.
        this.pump();
        reject(signal.reason);
      };
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      line.push(waiter);
      signal.addEventListener('abort', leave, { once: true });
      // A growth request may be granted at once (e.g. it became the oldest grower meanwhile).
      this.pump();
    });
  }

  /** @internal Reservation.doneGrowing */
  stopGrowing(reservation: Reservation): void {
    if (this.growers.delete(reservation)) this.pump();
  }

  /** @internal Reservation.release */
  give(reservation: Reservation): void {
    this.used -= reservation.held;
    reservation.held = 0;
    this.growers.delete(reservation);
    this.pump();
  }

  /** @internal Reservation.shrinkTo */
  giveBack(reservation: Reservation, bytes: number): void {
    this.used -= bytes;
    reservation.held -= bytes;
    this.pump();
  }

  private take(reservation: Reservation, bytes: number): void {
    reservation.held += bytes;
    this.used += bytes;
  }

  /** A new download fits, or the budget is empty (so one larger than the budget still goes, alone). */
  private admits(bytes: number): boolean {
    return this.used + bytes <= this.capacity || this.used === 0;
  }

  private mayGrow(reservation: Reservation, bytes: number): boolean {
    if (this.used + bytes <= this.capacity) return true;
    const [oldest] = this.growers;
    return oldest === reservation;
  }

  /** Grants what fits now: growth first (finishing started downloads frees memory soonest), then the line in order. */
  private pump(): void {
    for (let index = 0; index < this.growths.length; ) {
      const waiter = this.growths[index];
      if (waiter?.reservation !== undefined && this.mayGrow(waiter.reservation, waiter.bytes)) {
        this.growths.splice(index, 1);
        waiter.grant();
      } else {
        index += 1;
      }
    }
    for (let head = this.admissions[0]; head !== undefined && this.admits(head.bytes); head = this.admissions[0]) {
      this.admissions.shift();
      head.grant();
    }
  }
}
