// Feeds one terminal's output to xterm.js, and acknowledges it once parsed (the window's half of
// the flow control, see src-main/core/terminal/service.ts).
//
// A shown terminal gets its output as it comes. A hidden one (another tab, or the window hidden)
// gets it in small slices, each followed by a pause three times as long as the slice took, so a
// flood there (`yes`) holds the page's one thread a quarter of the time in pieces of a few
// milliseconds, and the terminal being typed in echoes without queueing behind it. What waits
// here is bounded by the core, which stops reading a terminal's channel once FLOW.high
// characters are unacknowledged: a hidden flood slows down at the SSH channel instead of
// filling shared queues, and catches up at full speed once its tab is shown.
export type PacerSink = {
  /** Hands text to xterm.js; `done` runs once it is parsed. */
  write(data: string, done: () => void): void;
  /** Whether the terminal is on screen now (asked before every slice). */
  shown(): boolean;
  /** Acknowledges parsed characters to the core. */
  ack(chars: number): void;
};

/** The largest write a shown terminal's output is handed to xterm.js in. */
const SHOWN_PIECE = 8 * 1024;
/** A hidden terminal's slices aim at this long a parse; the size adapts within the bounds. */
const SLICE_TARGET_MS = 3;
const SLICE_MIN = 1024;
const SLICE_MAX = 64 * 1024;
/** Share of the time a hidden terminal may parse: the pause after a slice is (1/DUTY - 1) x it. */
const HIDDEN_DUTY = 0.25;

export class OutputPacer {
  private queue: string[] = [];
  /** Characters handed to xterm.js and not parsed yet. */
  private parsing = 0;
  private slice = 8 * 1024;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly sink: PacerSink) {}

  push(data: string): void {
    if (this.stopped || !data) return;
    this.queue.push(data);
    this.pump();
  }

  /** The terminal was just shown: what waits goes now instead of after the hidden pause. */
  wake(): void {
    if (!this.timer || !this.sink.shown()) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.pump();
  }

  /**
   * The core forgot the terminal: no more acks. `flush` hands what waits to xterm.js first (its
   * last words, before the tab writes why it closed); without it, what waits is dropped.
   */
  stop(flush: boolean): void {
    if (flush) for (const data of this.queue) this.sink.write(data, () => undefined);
    this.stopped = true;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private pump(): void {
    if (this.stopped || this.timer || this.queue.length === 0) return;
    if (this.sink.shown()) {
      // On screen: everything at once. xterm.js parses its queue in turns of about 12 ms, but
      // checks the clock only between writes: pieces keep one 64 KiB event from being one turn.
      while (this.queue.length > 0) this.hand(this.take(SHOWN_PIECE), () => undefined);
      return;
    }
    if (this.parsing > 0) return; // the slice in progress calls back
    const data = this.take(this.slice);
    const t0 = performance.now();
    this.hand(data, () => {
      const spent = Math.max(performance.now() - t0, 0.1);
      this.slice = Math.min(SLICE_MAX, Math.max(SLICE_MIN, Math.round((this.slice * SLICE_TARGET_MS) / spent)));
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, spent * (1 / HIDDEN_DUTY - 1));
    });
  }

  private hand(data: string, then: () => void): void {
    this.parsing += data.length;
    this.sink.write(data, () => {
      if (this.stopped) return;
      this.parsing -= data.length;
      this.sink.ack(data.length);
      then();
      if (this.parsing === 0) this.pump();
    });
  }

  /** Up to `max` characters off the front of the queue, never between a surrogate pair's halves. */
  private take(max: number): string {
    const first = this.queue[0]!;
    if (first.length <= max) {
      this.queue.shift();
      return first;
    }
    const end = cutAt(first, max);
    this.queue[0] = first.slice(end);
    return first.slice(0, end);
  }
}

/** The index at or just before `end` where `text` can be cut without splitting a surrogate pair. */
export function cutAt(text: string, end: number): number {
  if (end >= text.length) return text.length;
  return /[\uD800-\uDBFF]/.test(text[end - 1]!) ? end - 1 : end;
}
