// Output of a channel on its way to a window, batched, with end-to-end flow control: what was sent
// counts as unacknowledged until the window says it has taken it; above `high` (sent and pending)
// the channel is paused, below `low` it resumes. While the window keeps up, output goes out once
// the current I/O is handled (setImmediate, not a timer's extra millisecond); while it is behind,
// output is gathered for `batchMs` or up to `batchMax`, so a flood is few large events. Sizes are
// the caller's unit (characters of a terminal, lines of a log).
export type FlowBatchOptions<T> = {
  high: number;
  low: number;
  batchMs: number;
  batchMax: number;
  emit(items: T[], size: number): void;
  pause(): void;
  resume(): void;
};

export class FlowBatch<T> {
  private pending: T[] = [];
  private pendingSize = 0;
  private unacked = 0;
  private cancelFlush: (() => void) | null = null;
  /** Whether the channel should be paused now (a new channel after a reconnect starts so). */
  paused = false;

  constructor(private readonly o: FlowBatchOptions<T>) {}

  push(items: readonly T[], size: number): void {
    if (items.length === 0) return;
    for (const item of items) this.pending.push(item);
    this.pendingSize += size;
    if (this.pendingSize >= this.o.batchMax) this.flush();
    else if (!this.cancelFlush) {
      const flush = () => this.flush();
      if (this.unacked === 0) {
        const soon = setImmediate(flush);
        this.cancelFlush = () => clearImmediate(soon);
      } else {
        const timer = setTimeout(flush, this.o.batchMs);
        this.cancelFlush = () => clearTimeout(timer);
      }
    }
    this.throttle();
  }

  /** The window took `size` more; more than was sent only undoes the sender's own throttling: clamped. */
  ack(size: number): void {
    this.unacked = Math.max(0, this.unacked - size);
    this.throttle();
  }

  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    if (this.pendingSize === 0 && this.pending.length === 0) return;
    const items = this.pending;
    const size = this.pendingSize;
    this.pending = [];
    this.pendingSize = 0;
    this.unacked += size;
    this.o.emit(items, size);
  }

  private throttle(): void {
    const inFlight = this.unacked + this.pendingSize;
    if (!this.paused && inFlight >= this.o.high) {
      this.paused = true;
      this.o.pause();
    } else if (this.paused && inFlight <= this.o.low) {
      this.paused = false;
      this.o.resume();
    }
  }
}
