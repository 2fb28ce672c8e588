// The lines of a live log view: the last CAP lines (older ones drop off the front in chunks, so
// a flood costs one splice now and then, not one per line), and the lines matching the filter as
// absolute line numbers, kept up to date as lines arrive (only new lines are tested), so typing
// in the filter box while the log floods costs one pass over the buffer per change of the text.
export const CAP = 100_000;
/** Dropped at once when the buffer is over CAP (amortises the splice). */
const DROP_CHUNK = 10_000;

export class LineBuffer {
  private lines: string[] = [];
  /** Lines dropped off the front so far: line i of `lines` is absolute line `dropped + i`. */
  private dropped = 0;
  private filter = '';
  /** Absolute numbers of the matching lines (when filtering), ascending. */
  private matches: number[] = [];
  /** Total lines ever received. */
  received = 0;

  constructor(private readonly cap = CAP) {}

  push(lines: readonly string[]): void {
    const base = this.dropped + this.lines.length;
    for (let i = 0; i < lines.length; i++) this.lines.push(lines[i]!);
    this.received += lines.length;
    if (this.filter) {
      const f = this.filter;
      for (let i = 0; i < lines.length; i++) if (lines[i]!.includes(f)) this.matches.push(base + i);
    }
    if (this.lines.length > this.cap + DROP_CHUNK) this.drop(this.lines.length - this.cap);
  }

  setFilter(text: string): void {
    if (text === this.filter) return;
    // A longer text only narrows: test the current matches instead of every line.
    const narrowing = this.filter !== '' && text.includes(this.filter);
    this.filter = text;
    if (!text) {
      this.matches = [];
      return;
    }
    if (narrowing) {
      this.matches = this.matches.filter((n) => this.lines[n - this.dropped]!.includes(text));
      return;
    }
    const out: number[] = [];
    for (let i = 0; i < this.lines.length; i++) if (this.lines[i]!.includes(text)) out.push(this.dropped + i);
    this.matches = out;
  }

  clear(): void {
    this.dropped += this.lines.length;
    this.lines = [];
    this.matches = [];
  }

  get filtering(): boolean {
    return this.filter !== '';
  }

  /** Rows the view shows (all lines, or the matching ones). */
  get count(): number {
    return this.filter ? this.matches.length : this.lines.length;
  }

  /** Row `i` of the view: its absolute line number (1-based, as shown) and text. */
  row(i: number): { n: number; text: string } {
    const abs = this.filter ? this.matches[i]! : this.dropped + i;
    return { n: abs + 1, text: this.lines[abs - this.dropped] ?? '' };
  }

  /** The rows' text (what the view shows), for saving. */
  text(): string {
    const out: string[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.row(i).text);
    return out.length ? `${out.join('\n')}\n` : '';
  }

  private drop(n: number): void {
    this.lines.splice(0, n);
    this.dropped += n;
    if (this.filter) {
      let k = 0;
      while (k < this.matches.length && this.matches[k]! < this.dropped) k++;
      if (k) this.matches.splice(0, k);
    }
  }
}
