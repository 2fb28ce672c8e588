// The file manager's pure parts: the path and name grammar of the contract, the login key's
// authorized_keys line (restrict + expiry-time in OpenSSH's format), and the listing's records.
import { describe, expect, it } from 'vitest';
import { FileName, FilePath } from '../../shared/api/files';
import { parseRecord } from '../../src-main/core/files/listing';
import { insideHome, spaceError } from '../../src-main/core/files/session';
import { expiryStamp, keyLine } from '../../src-main/core/files/site-login';
import { hostileGrammarPaths, hostileNames } from '../helpers/files';

describe('files grammar', () => {
  it('takes paths inside the home and refuses the rest', () => {
    for (const ok of ['', 'public_html', 'public_html/a b/ü.php', '.ssh/authorized_keys', 'a/..b/c..', "it's"]) expect(FilePath.safeParse(ok).success, ok).toBe(true);
    for (const bad of hostileGrammarPaths('/tmp/canary')) expect(FilePath.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    for (const bad of hostileNames('/tmp/canary')) expect(FileName.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    expect(FileName.safeParse('.htaccess').success).toBe(true);
  });

  it('confines by whole path segments', () => {
    expect(insideHome('/home/a', '/home/a')).toBe(true);
    expect(insideHome('/home/a', '/home/a/x')).toBe(true);
    expect(insideHome('/home/a', '/home/ab')).toBe(false);
    expect(insideHome('/home/a', '/etc')).toBe(false);
  });
});

describe('disk full and quota', () => {
  it('are told in words a user understands, naming the file; other errors are not taken for them', () => {
    expect(spaceError("head: error writing 'standard output': No space left on device", 'a.bin')?.message).toMatch(/^a\.bin could not be written: the disk on the server is full \(No space left on device\)/);
    expect(spaceError('mktemp: failed to create file via template: Disk quota exceeded', 'site/b.css')?.message).toMatch(/^site\/b\.css could not be written: the site’s disk quota is used up \(Disk quota exceeded\)/);
    expect(spaceError('tar: x: Cannot open: Permission denied', 'x')).toBe(null);
  });
});

describe('login key line', () => {
  it('is restricted and expires, in UTC', () => {
    const at = new Date('2026-12-06T21:05:09.123Z');
    expect(expiryStamp(at)).toBe('20261206210509Z');
    expect(keyLine('ssh-ed25519 AAAAC3Nza comment here\n', 'hostdeck-files-ab12', at)).toBe('restrict,expiry-time="20261206210509Z" ssh-ed25519 AAAAC3Nza hostdeck-files-ab12');
  });
});

describe('listing records', () => {
  it('reads find -printf records, tabs in names kept', () => {
    expect(parseRecord('f\t1234\t644\tsite\t1765059000.5\tindex.php')).toEqual({ name: 'index.php', type: 'file', size: 1234, mode: 0o644, owner: 'site', mtime: 1765059000 });
    expect(parseRecord('d\t4096\t2755\tsite\t1\ta\tb')).toMatchObject({ name: 'a\tb', type: 'dir', mode: 0o2755 });
    expect(parseRecord('l\t3\t777\tsite\t1\tlink')?.type).toBe('link');
    expect(parseRecord('p\t0\t600\tsite\t1\tfifo')?.type).toBe('other');
    expect(parseRecord('garbage')).toBe(null);
  });
});
