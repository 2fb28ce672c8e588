// Which uploads travel inside a task's run (inline-uploads.ts), and the prelude that writes them.
import { describe, expect, it } from 'vitest';
import { INLINE_MAX_BYTES, inlineUploads } from '../../src-main/core/queue/inline-uploads';

const up = (path: string, mode = 0o644) => ({ path, blob: 'a'.repeat(64), mode });

describe('inline uploads', () => {
  it('writes each file with exactly its byte count, then closes stdin for the script', () => {
    const r = inlineUploads([up('/z/db.x.new'), up("/z/it's", 0o600)], [Buffer.from('ünï\n'), Buffer.alloc(0)], 'echo run\n')!;
    expect(r.stdin).toBe('ünï\n');
    expect(r.script).toContain("dd bs=6 count=1 iflag=fullblock status=none of='/z/db.x.new' && chmod 644 '/z/db.x.new'");
    expect(r.script).toContain(`: > '/z/it'\\''s' && chmod 600`);
    expect(r.script.endsWith('exec </dev/null\necho run\n')).toBe(true);
  });

  it('leaves binary, invalid UTF-8, too large or no uploads to SFTP', () => {
    expect(inlineUploads([up('/a')], [Buffer.from([104, 0, 105])], '')).toBeNull();
    expect(inlineUploads([up('/a')], [Buffer.from([0xff, 0xfe])], '')).toBeNull();
    expect(inlineUploads([up('/a'), up('/b')], [Buffer.alloc(INLINE_MAX_BYTES, 'x'), Buffer.from('y')], '')).toBeNull();
    expect(inlineUploads([], [], 'echo')).toBeNull();
  });
});
