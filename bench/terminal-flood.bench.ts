// Terminal output and input under a flood, measured as a user meets them: Hostdeck in browser mode
// (the built dist/host/serve.mjs), driven in Debian's Chromium, against web1.
//   - throughput: `cat` of a 50 MB text file (base64) in a terminal tab, from the Enter keydown to
//     the next prompt parsed by xterm.js (the prompt sets the terminal's title, which the status
//     line shows: that works for the WebGL renderer too, which keeps its text off the DOM). With
//     the DOM renderer (what the app picks here, where Chromium's GL is software), and with WebGL
//     forced on that software GL (why the app does not pick it).
//   - echo: while `yes` floods a hidden terminal tab, one character typed into another terminal
//     tab, from its keydown to its echo in that tab's rows (DOM renderer, whose rows are readable).
// Peers, OpenSSH with no screen at all (the cat peers on one ControlMaster connection):
//   - `tmux` running `ssh -tt … cat FILE` in a detached session of the same size: a terminal
//     emulator (parses into its grid and scrollback) without a display;
//   - `script -q -c "ssh -tt … cat FILE" /dev/null > /dev/null`: a pty consumer that only copies;
//   - echo: `ssh -tt` running bash, fed through a pipe, while another `ssh -tt … yes` (its own
//     connection) floods `script` into /dev/null.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { fillServerForm, launchBrowser, newPage, startApp } from '../test/e2e/app';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'terminal-flood';

const MB = 1e6;
const FILE_BYTES = 50_000_000;
const ROUNDS = 3;
const ECHOES = 20;
const FLOOD_FILE = `/tmp/hostdeck-bench-flood-${process.pid}.txt`;
/** A prompt that sets the title to "ready-<command number>": how the page sees a command end. */
const PS1 = String.raw`PS1='\[\e]0;ready-\#\a\]\$ '`;

type Ssh = { args: string[]; target: string };

function sshBase(ctx: BenchContext): Ssh {
  const web1 = ctx.testbed.ssh.web1;
  const knownHosts = path.join(ctx.tmpDir, 'known_hosts');
  writeFileSync(knownHosts, `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
  return {
    args: ['-F', '/dev/null', '-i', ctx.testbed.keys.ed25519.path, '-p', String(web1.port), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
    target: `${ctx.testbed.users.hdtest.name}@${web1.host}`,
  };
}

function sh(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

// ---- Hostdeck in Chromium ------------------------------------------------------

/** Browser mode of its own (terminal events reach every window of a core) with web1 added. */
async function openTerminalPage(browser: Browser, ctx: BenchContext, label: 'webgl' | 'dom'): Promise<Page> {
  const web1 = ctx.testbed.ssh.web1;
  const home = path.join(ctx.tmpDir, `home-${label}`);
  mkdirSync(path.join(home, '.ssh'), { recursive: true });
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
  const app = await startApp(`bench-terminal-${label}`, home);
  ctx.defer(app.stop);
  const page = await newPage(browser);
  // The app gives a software GL (this Chromium's) the DOM renderer; pretend a GPU to measure WebGL.
  if (label === 'webgl') await page.addInitScript({ content: GPU_SHIM });
  await page.goto(app.url);
  await page.getByRole('button', { name: '+ Add server' }).first().click();
  await fillServerForm(page, { name: 'web1', host: web1.host, port: String(web1.port), user: ctx.testbed.users.hdtest.name, method: 'Private key', keyPath: ctx.testbed.keys.ed25519.path });
  await page.getByRole('button', { name: 'Add server', exact: true }).click();
  await page.getByRole('region', { name: 'Server web1' }).waitFor();
  await newTerminal(page);
  return page;
}

const GPU_SHIM = `{
  const getExtension = WebGL2RenderingContext.prototype.getExtension;
  WebGL2RenderingContext.prototype.getExtension = function (name) {
    return name === 'WEBGL_debug_renderer_info' ? null : getExtension.call(this, name);
  };
}`;

const shown = (page: Page) => page.locator('.tab-body:not([hidden]) .terminal-view');

/** Opens a terminal tab, makes its prompt set the title, and waits for that prompt. */
async function newTerminal(page: Page): Promise<void> {
  const before = await page.locator('.terminal-view').count();
  if (before === 0) await page.getByRole('button', { name: 'Terminal', exact: true }).click();
  else await page.keyboard.press('Control+Shift+T');
  await page.locator('.tab-body:not([hidden]) .terminal-view[data-state=open]').waitFor();
  await terminalFocused(page);
  await page.keyboard.type(`${PS1}; clear`);
  await page.keyboard.press('Enter');
  await shown(page).getByTestId('terminal-title').filter({ hasText: /^ready-\d+$/ }).waitFor();
}

/**
 * Arms a measurement in the page (`arm` returns a promise of milliseconds), lets `act` type, then
 * collects it. Arming waits until the page holds the listeners, so no keystroke can beat them.
 */
async function measure(page: Page, arm: string, act: () => Promise<void>): Promise<number> {
  await page.evaluate(`window.__hostdeckBench = (${arm})(); window.__hostdeckBench.catch(() => undefined); true`);
  await act();
  return page.evaluate('window.__hostdeckBench') as Promise<number>;
}

const terminalFocused = (page: Page) => page.waitForFunction(() => document.activeElement?.closest('.tab-body:not([hidden]) .terminal-view') != null);

async function focusTab(page: Page, tab: string): Promise<void> {
  await page.getByRole('tab', { name: tab }).click();
  await terminalFocused(page);
}

/** Types `command`, then measures in the page from the Enter keydown to the next prompt's title. */
async function timeCommand(page: Page, command: string): Promise<number> {
  await page.keyboard.type(command);
  return measure(page, PROMPT_BACK, () => page.keyboard.press('Enter'));
}

// Page-side code as text: the page runs it as written (tsx would add helpers it lacks).
const PROMPT_BACK = `() => new Promise((resolve, reject) => {
  const title = document.querySelector('.tab-body:not([hidden]) [data-testid=terminal-title]');
  const start = title.textContent;
  let t0 = 0;
  const listening = new AbortController();
  addEventListener('keydown', (e) => { if (e.key === 'Enter') t0 = e.timeStamp; }, { capture: true, signal: listening.signal });
  const observer = new MutationObserver(() => {
    if (!t0 || title.textContent === start) return;
    observer.disconnect();
    listening.abort();
    resolve(performance.now() - t0);
  });
  observer.observe(title, { childList: true, subtree: true, characterData: true });
  setTimeout(() => reject(new Error('no prompt within 120 s')), 120000);
})`;

/** One character typed into the shown terminal: keydown to its echo in the rows (DOM renderer). */
function echoOnce(page: Page, ch: string, expected: string): Promise<number> {
  const arm = `() => new Promise((resolve, reject) => {
    const rows = document.querySelector('.tab-body:not([hidden]) .terminal-view .xterm-rows');
    let t0 = 0;
    addEventListener('keydown', (e) => { if (e.key === ${JSON.stringify(ch)}) t0 = e.timeStamp; }, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      if (!t0 || !rows.textContent.replace(/\u00a0/g, ' ').includes(${JSON.stringify(expected)})) return;
      observer.disconnect();
      resolve(performance.now() - t0);
    });
    observer.observe(rows, { childList: true, subtree: true, characterData: true });
    setTimeout(() => reject(new Error('no echo of ${ch} within 5 s')), 5000);
  })`;
  return measure(page, arm, () => page.keyboard.type(ch));
}

async function echoSeries(page: Page, count: number): Promise<number[]> {
  const out: number[] = [];
  let typed = 'echo ';
  await page.keyboard.type(typed);
  for (let i = 0; i < count; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    typed += ch;
    out.push(await echoOnce(page, ch, `$ ${typed}`));
  }
  await page.keyboard.press('Control+U');
  return out;
}

// ---- OpenSSH peers ----------------------------------------------------------------

async function timed(child: ChildProcess): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`peer exited ${code}`))));
  });
  return performance.now() - t0;
}

function peerScript(ssh: Ssh, ctl: string): Promise<number> {
  const remote = ['ssh', ...ssh.args, '-S', ctl, '-tt', ssh.target, 'cat', FLOOD_FILE].map(quote).join(' ');
  return timed(spawn('script', ['-q', '-c', remote, '/dev/null'], { stdio: ['ignore', 'ignore', 'inherit'] }));
}

async function peerTmux(ssh: Ssh, ctl: string, cols: number, rows: number): Promise<number> {
  const socket = `hostdeck-bench-${process.pid}`;
  const remote = ['ssh', ...ssh.args, '-S', ctl, '-tt', ssh.target, 'cat', FLOOD_FILE].map(quote).join(' ');
  const t0 = performance.now();
  sh('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(cols), '-y', String(rows), `${remote}; tmux -L ${socket} wait-for -S done`, ';', 'set-option', '-g', 'history-limit', '5000']);
  sh('tmux', ['-L', socket, 'wait-for', 'done']);
  return performance.now() - t0;
}

/** Interactive bash over `ssh -tt` fed through a pipe: one character in, its echo out. */
async function peerEcho(ssh: Ssh, count: number): Promise<number[]> {
  // Its own connection: through a ControlMaster, input from a pipe is not forwarded promptly.
  const child = spawn('ssh', [...ssh.args, '-tt', ssh.target], { stdio: ['pipe', 'pipe', 'ignore'] });
  let out = '';
  const waiters: { test: (s: string) => boolean; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of waiters.splice(0)) {
      if (w.test(out)) w.resolve();
      else waiters.push(w);
    }
  });
  const until = (test: (s: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (test(out)) return resolve();
      waiters.push({ test, resolve });
      setTimeout(() => reject(new Error(`OpenSSH peer: no echo within 5 s; got ${JSON.stringify(out.slice(-80))}`)), 5000).unref();
    });
  child.stdin!.write("PS1='$ '\n");
  await until((s) => s.endsWith('$ '));
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const ch = String.fromCharCode(97 + (i % 26));
    const from = out.length;
    const t0 = performance.now();
    child.stdin!.write(ch);
    await until((s) => s.slice(from).includes(ch));
    samples.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill();
  return samples;
}

// ---- the run ------------------------------------------------------------------------

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const ssh = sshBase(ctx);
  sh('ssh', [...ssh.args, ssh.target, `head -c ${(FILE_BYTES * 3) / 4} /dev/urandom | base64 | head -c ${FILE_BYTES} > ${FLOOD_FILE}`]);
  const ctl = path.join(ctx.tmpDir, 'ctl');
  sh('ssh', [...ssh.args, '-M', '-S', ctl, '-f', '-N', ssh.target]);
  // Both need files of tmpDir, which the harness removes right after a run: clean up here (and,
  // on Ctrl+C, in the harness's deferred steps, which run before that removal).
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    spawnSync('ssh', [...ssh.args, ssh.target, `rm -f ${FLOOD_FILE}`]);
    spawnSync('ssh', ['-S', ctl, '-O', 'exit', ssh.target]);
  };
  ctx.defer(cleanup);
  try {
    return await measureAll(ctx, ssh, ctl);
  } finally {
    cleanup();
  }
}

async function measureAll(ctx: BenchContext, ssh: Ssh, ctl: string): Promise<BenchEntry[]> {
  const browser = await launchBrowser();
  ctx.defer(() => browser.close());

  const pages = { webgl: await openTerminalPage(browser, ctx, 'webgl'), dom: await openTerminalPage(browser, ctx, 'dom') };
  for (const [label, page] of Object.entries(pages)) {
    const renderer = await shown(page).getAttribute('data-renderer');
    if (renderer !== (label === 'webgl' ? 'WebGL' : 'DOM')) throw new Error(`the ${label} page renders with ${renderer}`);
  }

  // tmux gets the terminal's size.
  await pages.dom.keyboard.type('stty size');
  await pages.dom.keyboard.press('Enter');
  let size: RegExpExecArray | null = null;
  for (let i = 0; i < 200 && !size; i++) {
    await pages.dom.waitForTimeout(50);
    size = /^(\d+) (\d+)\s*$/m.exec((await shown(pages.dom).locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' '));
  }
  if (!size) throw new Error('stty size did not answer');
  const [rows, cols] = [Number(size[1]), Number(size[2])];

  // Warm up every way (JIT, caches, the file in the page cache).
  await timeCommand(pages.webgl, `head -c 5000000 ${FLOOD_FILE}`);
  await timeCommand(pages.dom, `head -c 5000000 ${FLOOD_FILE}`);
  await peerScript(ssh, ctl);
  await peerTmux(ssh, ctl, cols, rows);

  const results = { webgl: [] as number[], dom: [] as number[], tmux: [] as number[], script: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    results.webgl.push(FILE_BYTES / MB / ((await timeCommand(pages.webgl, `cat ${FLOOD_FILE}`)) / 1000));
    results.dom.push(FILE_BYTES / MB / ((await timeCommand(pages.dom, `cat ${FLOOD_FILE}`)) / 1000));
    results.tmux.push(FILE_BYTES / MB / ((await peerTmux(ssh, ctl, cols, rows)) / 1000));
    results.script.push(FILE_BYTES / MB / ((await peerScript(ssh, ctl)) / 1000));
    ctx.log(`round ${round + 1}/${ROUNDS}: ${Object.entries(results).map(([k, v]) => `${k} ${v.at(-1)!.toFixed(1)}`).join(', ')} MB/s`);
  }

  // Echo: idle first, then with `yes` flooding another (hidden) terminal tab of the same window.
  const page = pages.dom;
  const idle = await echoSeries(page, ECHOES);
  await newTerminal(page);
  await focusTab(page, 'web1 · terminal 1');
  await page.keyboard.type('yes');
  await page.keyboard.press('Enter');
  await page.waitForTimeout(1000);
  await focusTab(page, 'web1 · terminal 2');
  const flooded = await echoSeries(page, ECHOES);
  await focusTab(page, 'web1 · terminal 1');
  await page.keyboard.press('Control+C');

  const floodRemote = ['ssh', ...ssh.args, '-tt', ssh.target, 'yes'].map(quote).join(' ');
  const peerFlood = spawn('script', ['-q', '-c', floodRemote, '/dev/null'], { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  ctx.defer(() => peerFlood.exitCode === null && process.kill(-peerFlood.pid!, 'SIGKILL'));
  await new Promise((r) => setTimeout(r, 1000));
  const peerFlooded = await peerEcho(ssh, ECHOES);
  process.kill(-peerFlood.pid!, 'SIGKILL');

  ctx.log(`echo ms, idle: ${idle.map((v) => v.toFixed(0)).join(' ')}`);
  ctx.log(`echo ms, flood in another tab: ${flooded.map((v) => v.toFixed(0)).join(' ')}`);
  ctx.log(`echo ms, OpenSSH during a flood: ${peerFlooded.map((v) => v.toFixed(1)).join(' ')}`);

  const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)])) as Record<keyof typeof results, number>;
  const size50 = `50 MB base64 text, ${cols}x${rows}, median of ${ROUNDS}`;
  const tmuxName = 'OpenSSH ssh -tt into tmux (emulator, no display)';
  const echoDuring = median(flooded);
  return [
    entry({ name, metric: `cat to the prompt in a terminal tab, WebGL forced on software GL (${size50})`, unit: 'MB/s', hostdeck: m.webgl, peer: m.tmux, peerName: tmuxName, goal: 'info' }),
    entry({ name, metric: `cat to the prompt in a terminal tab, DOM renderer (${size50})`, unit: 'MB/s', hostdeck: m.dom, peer: m.tmux, peerName: tmuxName, goal: 'info' }),
    entry({ name, metric: `cat to the prompt in a terminal tab, DOM renderer, vs a pty consumer (${size50})`, unit: 'MB/s', hostdeck: m.dom, peer: m.script, peerName: 'OpenSSH ssh -tt under script > /dev/null (no emulator)', goal: 'info' }),
    entry({ name, metric: `echo of a keystroke while yes floods another tab (median of ${ECHOES})`, unit: 'ms', hostdeck: echoDuring, peer: median(peerFlooded), peerName: 'OpenSSH ssh -tt bash via a pipe while another ssh -tt floods (no display)', goal: 'info' }),
    entry({ name, metric: `echo of a keystroke while yes floods another tab, vs the 50 ms budget (median of ${ECHOES})`, unit: 'ms', hostdeck: echoDuring, peer: 50, peerName: 'budget: 50 ms', goal: '<= 1.0' }),
    entry({ name, metric: `echo of a keystroke, no flood (median of ${ECHOES})`, unit: 'ms', hostdeck: median(idle), peer: 50, peerName: 'budget: 50 ms', goal: '<= 1.0' }),
  ];
}
