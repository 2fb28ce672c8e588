// The architecture's import rules, enforced: core never reaches electron or the renderer;
// shared/ is pure (no node, no DOM); the renderer never imports node or the main side.
import { builtinModules } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const rel = path.join(dir, name);
    if (statSync(path.join(root, rel)).isDirectory()) return sources(rel);
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [rel] : [];
  });
}

export function importsOf(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm)) {
    found.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  }
  return found;
}

function resolved(file: string, spec: string): string {
  return spec.startsWith('.') ? path.relative(root, path.resolve(root, path.dirname(file), spec)) : spec;
}

function violations(dir: string, forbidden: (target: string, spec: string) => boolean): string[] {
  return sources(dir).flatMap((file) => importsOf(file).filter((spec) => forbidden(resolved(file, spec), spec)).map((spec) => `${file} imports ${spec}`));
}

describe('layering', () => {
  it('src-main/core imports neither electron nor the renderer nor the shell', () => {
    expect(violations('src-main/core', (t) => t === 'electron' || t.startsWith('electron/') || t.startsWith('src-renderer') || t.startsWith('src-main/electron') || t.startsWith('src-main/host'))).toEqual([]);
  });

  it('the core loads acme-client on the first certificate only (it made every core 9 MB bigger)', () => {
    const eager = (file: string) =>
      [...readFileSync(path.join(root, file), 'utf8').matchAll(/^import\s+(?!type\b)[^'"]*?from\s*['"](acme-client)['"]/gm)].map((m) => `${file} imports ${m[1]} when the core starts`);
    expect(sources('src-main').flatMap(eager)).toEqual([]);
  });

  it('shared/ imports neither node nor electron nor anything outside shared/ (but zod)', () => {
    expect(violations('shared', (t, spec) => builtins.has(spec) || (spec.startsWith('.') ? !t.startsWith('shared') : spec !== 'zod'))).toEqual([]);
  });

  it('shared/ does not touch the DOM or node globals', () => {
    const code = (f: string) => readFileSync(path.join(root, f), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    const offenders = sources('shared').filter((f) => /\b(window|document|localStorage|process|Buffer|require)\b\s*[.(]/.test(code(f)));
    expect(offenders).toEqual([]);
  });

  it('src-renderer imports no node module and nothing of src-main', () => {
    expect(violations('src-renderer', (t, spec) => builtins.has(spec) || spec === 'electron' || t.startsWith('src-main'))).toEqual([]);
  });

  it('src-main/cli (the command line) imports only the core, shared/, node and its parser', () => {
    expect(violations('src-main/cli', (t, spec) => !builtins.has(spec) && spec !== 'commander' && !['src-main/cli', 'src-main/core', 'shared'].some((d) => t.startsWith(d)))).toEqual([]);
  });

  it('only src-main/electron imports electron', () => {
    const dirs = ['src-main/core', 'src-main/host', 'src-main/cli', 'shared', 'src-renderer'];
    expect(dirs.flatMap((d) => violations(d, (t) => t === 'electron'))).toEqual([]);
  });

  it('the checker sees imports (guards against a regex that matches nothing)', () => {
    expect(importsOf('src-main/core/ssh/connect.ts')).toContain('node:net');
    expect(importsOf('src-main/core/ssh/connect.ts')).toContain('ssh2');
  });
});
