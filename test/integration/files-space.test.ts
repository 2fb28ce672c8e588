// A full disk in the file manager, with a real limit: a 2 MB tmpfs mounted on a folder of a site's
// home (owned by the site's user). A file and a folder larger than that are uploaded into it: each
// fails with a sentence naming the file and saying the disk is full, and nothing is left, neither
// under the final name nor as a hidden part; a small upload then still works.
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { coreSuite } from '../helpers/core';
import { registerSiteLoginKeys, uploadFile, uploadTree } from '../helpers/files';
import { settleQueue, sh, testbedHostingSettings } from '../helpers/hosting';

registerSiteLoginKeys();
const suite = coreSuite();
const site = `hdfs${randomUUID().replaceAll('-', '').slice(0, 8)}`;
const home = `/home/${site}`;
const small = `${home}/small`;

afterAll(() => {
  sh(`umount ${small} || umount -l ${small}`);
  if (sh(`id -u ${site}`) !== null) sh(`pkill -KILL -u ${site}; userdel -r ${site} 2>/dev/null`);
  rmSync(home, { recursive: true, force: true });
});

describe('files on a full disk', () => {
  it('says the disk is full, naming the file, and leaves no half file or folder (single file and folder upload)', async () => {
    const t = await suite.web1('files-space', 'root');
    const serverId = t.server.id;
    await t.call('hosting.setSettings', { serverId, ...testbedHostingSettings(suite.tb) });
    await t.call('hosting.createSite', { serverId, name: site, quotaMb: 0 });
    expect((await settleQueue(t, serverId)).filter((x) => x.status === 'failed')).toEqual([]);
    const where = { serverId, site };
    await t.call('files.mkdir', { ...where, dir: '', name: 'small' });
    expect(sh(`mount -t tmpfs -o size=2m,mode=0755,uid=$(id -u ${site}),gid=$(id -g ${site}) tmpfs ${small} && echo ok`)?.trim()).toBe('ok');

    const one = await uploadFile(t.call, where, 'small', 'big.bin', randomBytes(3 * 1024 * 1024)).then(() => null, (e: Error) => e.message);
    expect(one).toMatch(/: big\.bin could not be written: the disk on the server is full \(No space left on device\)/);
    expect(readdirSync(small)).toEqual([]);

    const tree = [
      { path: 'site/index.html', data: Buffer.from('<h1>hi</h1>\n') },
      { path: 'site/media/video.bin', data: randomBytes(3 * 1024 * 1024) },
      { path: 'site/z.css', data: Buffer.from('a{}\n') },
    ];
    const folder = await uploadTree(t.call, where, 'small', tree).then(() => null, (e: Error) => e.message);
    expect(folder).toMatch(/: site\/media\/video\.bin could not be written: the disk on the server is full \(No space left on device\)/);
    expect(readdirSync(small)).toEqual([]);

    // The space is free again: a small file and a small folder go in, owned by the site.
    await uploadFile(t.call, where, 'small', 'ok.txt', Buffer.from('fits\n'));
    expect(await uploadTree(t.call, where, 'small', [tree[0]!, tree[2]!])).toBe(2);
    expect(sh(`cd ${small} && find . ! -user ${site} | wc -l && cat ok.txt site/index.html`)).toBe('0\nfits\n<h1>hi</h1>\n');
  }, 120_000);
});
