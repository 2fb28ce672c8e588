// What a command prints: JSON on stdout with --json, a plain table otherwise; progress and
// errors always on stderr so that stdout stays machine-readable.
export type Out = {
  readonly json: boolean;
  /** Prints `value` as JSON, or runs `human` to print it for people. */
  result(value: unknown, human: () => void): void;
  line(text: string): void;
  table(headers: string[], rows: (string | number | null)[][]): void;
  progress(text: string): void;
};

export function makeOut(json: boolean): Out {
  const line = (text: string) => void process.stdout.write(`${text}\n`);
  return {
    json,
    result: (value, human) => (json ? line(JSON.stringify(value, null, 2)) : human()),
    line,
    table: (headers, rows) => {
      const cells = [headers, ...rows.map((r) => r.map((c) => (c === null ? '-' : String(c))))];
      const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
      for (const r of cells) line(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
    },
    progress: (text) => void process.stderr.write(`${text}\n`),
  };
}
