// A data file read (JSON + zod) once per change instead of once per call: with 1,000 servers
// and 20,000 sites the parse costs milliseconds and was repeated on every lookup. The file may
// be written by another process too (the command line on the same data folder), so a stat
// decides whether the kept value still stands: conf writes atomically (a new inode), and
// inode, size and the nanosecond mtime together change with every write.
import { statSync } from 'node:fs';

function signature(file: string): string | null {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.ino}:${s.size}:${s.mtimeNs}`;
  } catch {
    return null;
  }
}

/**
 * read() again only when `file` changed since the last call. The value is shared between
 * callers: they must not change it (freeze what read() returns where that matters). A missing
 * file is read every time (its defaults are cheap).
 */
export function readCached<T>(file: string, read: () => T): () => T {
  let kept: { key: string; value: T } | null = null;
  return () => {
    // Stat before the read: a write landing in between makes the next stat differ, never the reverse.
    const key = signature(file);
    if (key !== null && kept?.key === key) return kept.value;
    const value = read();
    kept = key === null ? null : { key, value };
    return value;
  };
}
