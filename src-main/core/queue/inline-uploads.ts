// Small text uploads travel inside the task's own run instead of an SFTP session: opening one
// (a channel, sftp-server's process start, its handshake) costs 5-8 ms, as much as a quick
// task's script, while the worker shell is already open. The contents become the run's stdin and
// a prelude writes each file with `dd` reading exactly its byte count (dd's reads never take
// more than asked, so the next file's bytes stay in the pipe), then the script runs with stdin
// closed. Only text without NUL qualifies (the shell's stdin is a quoted string), only when the
// kind passes no stdin of its own, and only up to INLINE_MAX_BYTES in all (the frame is one
// command line for the shell to parse); anything else goes over SFTP as before.
import { shQuote } from '../ssh/sh-quote';
import type { TaskUpload } from './kinds';

export const INLINE_MAX_BYTES = 128 * 1024;

/** The run with its uploads inlined, or null when they must go over SFTP. */
export function inlineUploads(uploads: TaskUpload[], contents: Buffer[], script: string): { script: string; stdin: string } | null {
  const total = contents.reduce((n, c) => n + c.length, 0);
  if (uploads.length === 0 || total > INLINE_MAX_BYTES) return null;
  const texts: string[] = [];
  for (const c of contents) {
    if (c.includes(0)) return null;
    const text = c.toString('utf8');
    if (!Buffer.from(text).equals(c)) return null; // not valid UTF-8: would not round-trip
    texts.push(text);
  }
  const lines = uploads.map((u, i) => {
    const file = shQuote(u.path);
    const n = contents[i]!.length;
    const write = n === 0 ? `: > ${file}` : `dd bs=${n} count=1 iflag=fullblock status=none of=${file}`;
    const mode = (u.mode & 0o7777).toString(8);
    return `{ ${write} && chmod ${mode} ${file}; } || { printf 'Upload to %s failed\\n' ${file} >&2; exit 1; }`;
  });
  return { script: `${lines.join('\n')}\nexec </dev/null\n${script}`, stdin: texts.join('') };
}
