// Builds everything `npm start`, `npm run serve` and the tests run: the renderer (Vite) and the
// Node entry points (esbuild bundles; npm packages stay external and load from node_modules).
import { build as esbuild } from 'esbuild';
import { build as vite } from 'vite';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));
rmSync(`${root}/dist`, { recursive: true, force: true });

await vite({ configFile: `${root}/vite.config.ts`, logLevel: 'warn' });

const node = { bundle: true, platform: 'node', target: 'node22', packages: 'external', sourcemap: true, logLevel: 'warning', absWorkingDir: root, define: { __HOSTDECK_VERSION__: JSON.stringify(version) } };
await Promise.all([
  esbuild({ ...node, format: 'esm', entryPoints: ['src-main/host/serve.ts'], outfile: 'dist/host/serve.mjs' }),
  // The `hostdeck` command line (package.json "bin").
  esbuild({ ...node, format: 'esm', entryPoints: ['src-main/cli/hostdeck.ts'], outfile: 'dist/cli/hostdeck.mjs', banner: { js: '#!/usr/bin/env node' } }),
  esbuild({ ...node, format: 'esm', entryPoints: ['src-main/electron/core-process.ts'], outfile: 'dist/electron/core-process.mjs' }),
  esbuild({ ...node, format: 'cjs', entryPoints: ['src-main/electron/main.ts'], outfile: 'dist/electron/main.cjs', external: ['electron'] }),
  // A sandboxed preload may only require('electron'): bundle everything else into it.
  esbuild({ ...node, format: 'cjs', packages: 'bundle', external: ['electron'], entryPoints: ['src-main/electron/preload.ts'], outfile: 'dist/electron/preload.cjs' }),
]);
