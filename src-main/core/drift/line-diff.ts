// A unified diff of two small texts (generated config files): the longest common subsequence of
// their lines, then hunks with up to CONTEXT unchanged lines around each change. Records' text
// is "-", the server's "+".

const CONTEXT = 2;
/** Beyond this many lines on either side the texts are shown whole, one after the other. */
const MAX_LINES = 2000;

type Op = { op: ' ' | '-' | '+'; line: string };

function ops(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { out.push({ op: ' ', line: a[i]! }); i++; j++; }
    else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', line: a[i++]! });
    else out.push({ op: '+', line: b[j++]! });
  }
  while (i < n) out.push({ op: '-', line: a[i++]! });
  while (j < m) out.push({ op: '+', line: b[j++]! });
  return out;
}

const lines = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));

export function lineDiff(records: string, server: string): string[] {
  const a = lines(records);
  const b = lines(server);
  if (a.length > MAX_LINES || b.length > MAX_LINES) return [...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
  const all = ops(a, b);
  const keep = all.map((o, k) => o.op !== ' ' || all.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((x) => x.op !== ' '));
  const out: string[] = [];
  let gap = false;
  all.forEach((o, k) => {
    if (!keep[k]) { gap = true; return; }
    if (gap && out.length > 0) out.push('@@');
    gap = false;
    out.push(`${o.op}${o.line}`);
  });
  return out;
}
