// Many small files written so that a crash leaves each either as it was or complete: every
// content goes to a temporary file beside its target, all are flushed to disk in parallel (the
// file system commits concurrent flushes together, where one flush after the other costs a disk
// round trip each), then each is renamed over its target.
import { open, rename } from 'node:fs/promises';

export async function writeDurably(files: { file: string; content: string | Buffer }[]): Promise<void> {
  const tmp = (file: string) => `${file}.${process.pid}.tmp`;
  await Promise.all(
    files.map(async ({ file, content }) => {
      const handle = await open(tmp(file), 'w');
      try {
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }),
  );
  await Promise.all(files.map(({ file }) => rename(tmp(file), file)));
}
