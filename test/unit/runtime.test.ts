// The core runs on the Node major that Electron embeds; the suite must run on it too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};

describe('runtime', () => {
  it('runs on the pinned Node major (the node@22 devDependency, as in Electron 45)', () => {
    const major = /^>=(\d+)/.exec(pkg.engines.node)?.[1];
    expect(major).toBe('22');
    expect(pkg.devDependencies.node).toMatch(/^\^?22\./);
    expect(process.versions.node.split('.')[0]).toBe(major);
  });
});
