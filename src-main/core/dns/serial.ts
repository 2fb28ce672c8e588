// SOA serials in the YYYYMMDDnn style (UTC date): greater than every serial known (what each
// nameserver serves now, what was pushed last). Past nn = 99 it is simply the known maximum + 1
// — a "date" in the future, but greater, which is all RFC 1982 asks; arithmetic wraps at 2^32.
const MOD = 2 ** 32;

export function dateBase(now: Date): number {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  return (y * 10000 + m * 100 + d) * 100;
}

export function nextSerial(known: readonly (number | null | undefined)[], now = new Date()): number {
  const base = dateBase(now);
  const valid = known.filter((k): k is number => typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < MOD);
  if (valid.length === 0) return base;
  const max = Math.max(...valid);
  return max < base ? base : (max + 1) % MOD;
}
