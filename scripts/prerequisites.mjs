// Checks the Debian packages in scripts/system-packages.txt before anything is built. As root it
// installs what is missing (one line says what); otherwise it prints the exact apt-get line and
// exits 1. The tests need root anyway (they create a Linux user and a network namespace).
//
//   node scripts/prerequisites.mjs [--bench]   (`npm test` and .ci/run; `npm run bench` adds --bench)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

const LIST = new URL('./system-packages.txt', import.meta.url);
const bench = process.argv.includes('--bench');
const packages = fs
  .readFileSync(LIST, 'utf8')
  .split('\n')
  .map((line) => line.replace(/#.*/, '').trim().split(/\s+/))
  .filter(([name, tag]) => name && (tag !== '[bench]' || bench))
  .map(([name]) => name);

const fail = (msg) => {
  console.error(`[prerequisites] ${msg}`);
  process.exit(1);
};

if (spawnSync('dpkg-query', ['--version'], { stdio: 'ignore' }).status !== 0) {
  fail(`this needs a Debian or Ubuntu machine (dpkg-query not found); the packages are listed in scripts/system-packages.txt`);
}

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() === 'installed';
}

const missing = packages.filter((p) => !installed(p));
const isRoot = process.getuid?.() === 0;
const line = `apt-get install -y ${missing.join(' ')}`;
const what = bench ? 'the tests and benchmarks need' : 'the tests need';

if (missing.length > 0 && !isRoot) fail(`missing Debian packages: ${missing.join(' ')}\n  install them as root with:  ${line}\n  then run the tests as root (they create a Linux user and a network namespace).`);
if (!isRoot) fail('the tests run as root: they create the Linux user hdtest, a network namespace and servers on loopback. Run them as root.');

if (missing.length > 0) {
  console.log(`[prerequisites] installing Debian packages ${what}: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Debian starts services on install; the testbed runs its own instances instead.
  const policy = '/usr/sbin/policy-rc.d';
  const madePolicy = !fs.existsSync(policy);
  if (madePolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const apt = (args) => spawnSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env }).status === 0;
    const args = ['install', '-y', '-q', ...missing];
    if (!apt(args) && !(apt(['update', '-q']) && apt(args))) fail(`apt-get could not install: ${missing.join(' ')} (see its output above)`);
  } finally {
    if (madePolicy) fs.rmSync(policy, { force: true });
  }
  const still = missing.filter((p) => !installed(p));
  if (still.length > 0) fail(`still missing after apt-get: ${still.join(' ')}`);
}
