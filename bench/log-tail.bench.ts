// A site's log followed live under a flood, measured as a user meets it: Hostdeck in browser mode
// (the built dist/host/serve.mjs), driven in Debian's Chromium, against web1 as root: a site made
// through the UI, its Logs section open on the access log (follow on). A writer appends LINES
// lines of a typical access-log shape to that file as fast as it can, then one last marker line.
//   - Hostdeck: from the start of the writing to the marker taken into the live view (the page
//     counts, once per frame, the lines its virtualised list took); during that drain one
//     character after another is typed into the filter box and its echo timed (keydown to the
//     frame after the input shows it).
//   - sustained: 10,000 lines/s written for 8 s, keystrokes into the filter box timed meanwhile
//     (the rate the view shows, and the echoes against the 50 ms budget).
//   - peer, as an admin runs it: `ssh web1 tail -n 0 -F FILE` in a terminal, here tmux (a terminal
//     emulator: it parses every line into its grid and scrollback) of the view's size without a
//     display; from the start of the writing to the marker on tmux's screen.
// Both rates are lines / time to the marker, so a reader that falls behind pays for it.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { fillServerForm, launchBrowser, newPage, startApp } from '../test/e2e/app';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'log-tail';

const LINES = 300_000;
const ROUNDS = 3;
const ECHO_BUDGET_MS = 50;
const SUSTAIN_RATE = 10_000;
const SUSTAIN_S = 8;
const COLS = 160;
const ROWS = 40;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function check(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** LINES access-log lines (about 130 bytes each, like nginx's combined format) and the marker. */
function flood(round: number): { text: string; marker: string } {
  const parts: string[] = [];
  for (let i = 0; i < LINES; i++) parts.push(`127.0.0.1 - - [06/Dec/2026:21:00:00 +0000] "GET /shop/item/${i}?ref=bench-${round} HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (bench)"\n`);
  const marker = `MARKER-${round}-${process.pid}`;
  return { text: parts.join(''), marker };
}

/** Appends the flood in 1 MB writes, as a busy nginx would, then the marker; returns when written. */
function write(file: string, text: string, marker: string): void {
  const CHUNK = 1 << 20;
  for (let at = 0; at < text.length; ) {
    let end = Math.min(text.length, at + CHUNK);
    end = text.indexOf('\n', end - 1) + 1 || text.length;
    appendFileSync(file, text.slice(at, end));
    at = end;
  }
  appendFileSync(file, `${marker}\n`);
}

// ---- Hostdeck in Chromium ------------------------------------------------------

async function openSiteLog(ctx: BenchContext, page: Page, site: string, logDir: string): Promise<void> {
  const web1 = ctx.testbed.ssh.web1;
  await page.getByRole('button', { name: '+ Add server' }).first().click();
  await fillServerForm(page, { name: 'web1', host: web1.host, port: String(web1.port), user: 'root', method: 'Private key', keyPath: ctx.testbed.keys.ed25519.path });
  await page.getByRole('button', { name: 'Add server', exact: true }).click();
  await page.getByRole('region', { name: 'Server web1' }).getByRole('button', { name: 'Sites', exact: true }).click();
  const view = page.getByRole('region', { name: 'Sites of web1' });
  await view.locator('details.log-settings summary').click();
  const logs = view.getByRole('form', { name: 'Log settings' });
  await logs.locator('[data-field="logs.dir"] input').fill(logDir);
  await logs.locator('[data-field="logs.rotateDir"] input').fill(path.join(logDir, 'logrotate.d'));
  await logs.getByRole('button', { name: 'Save log settings' }).click();
  await logs.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  await view.locator('details.log-settings summary').click();
  const form = view.getByRole('form', { name: 'New site' });
  await form.locator('[data-field=name] input').fill(site);
  await form.locator('[data-field=quotaMb] input').fill('0');
  await form.getByRole('button', { name: 'Create site' }).click();
  const row = view.locator(`tr.site-row[data-site=${site}]`);
  await row.waitFor();
  for (let i = 0; i < 600 && (await row.getByTestId('site-task').textContent()) !== 'done'; i++) await page.waitForTimeout(100);
  await row.getByRole('button', { name: site }).click();
  const part = view.getByRole('region', { name: `Logs of ${site}` });
  await part.getByRole('button', { name: 'Open logs' }).click();
  await part.getByTestId('log-status').and(page.locator('[data-state=open]')).waitFor({ timeout: 30_000 });
}

// Page-side code as text (tsx would add helpers the page lacks). Arms a watch of the view's line
// count (once per frame) for `target` more lines, and an echo timer on the filter box.
const ARM = `(target) => {
  const status = document.querySelector('[data-testid=log-status]');
  const base = Number(status.dataset.received);
  const t0 = performance.now();
  const echoes = [];
  const box = document.querySelector('.log-filter');
  let down = 0;
  addEventListener('keydown', (e) => { if (e.target === box) down = e.timeStamp; }, { capture: true });
  box.addEventListener('input', () => { const from = down; requestAnimationFrame(() => echoes.push(performance.now() - from)); });
  window.__hostdeckBench = new Promise((resolve, reject) => {
    const tick = () => {
      if (Number(status.dataset.received) - base >= target) return resolve({ ms: performance.now() - t0, echoes });
      if (performance.now() - t0 > 120000) return reject(new Error('the marker did not arrive within 120 s'));
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  window.__hostdeckBench.catch(() => undefined);
  return true;
}`;

async function hostdeckRound(page: Page, file: string, round: number): Promise<{ rate: number; echoes: number[] }> {
  const { text, marker } = flood(round);
  await page.locator('.log-filter').click();
  await page.evaluate(`(${ARM})(${LINES + 1})`);
  const writing = new Promise<void>((resolve) => setImmediate(() => { write(file, text, marker); resolve(); }));
  // Keystrokes into the filter box while the lines pour in ("a" then Backspace: the filter stays wide).
  let typing = true;
  const typed = (async () => {
    while (typing) {
      await page.keyboard.press('a');
      await page.waitForTimeout(40);
      await page.keyboard.press('Backspace');
      await page.waitForTimeout(40);
    }
  })();
  await writing;
  const result = (await page.evaluate('window.__hostdeckBench')) as { ms: number; echoes: number[] };
  typing = false;
  await typed;
  await page.locator('.log-filter').fill('');
  const last = await page.locator('.log-line').last().textContent();
  if (!last?.includes(marker)) throw new Error(`the view's last line is not the marker: ${last}`);
  return { rate: (LINES + 1) / (result.ms / 1000), echoes: result.echoes };
}

/**
 * 10,000 lines/s for SUSTAIN_S seconds (written every 10 ms, what is owed by the clock), keystrokes
 * into the filter box meanwhile: the rate the view showed and the echoes.
 */
async function hostdeckSustained(page: Page, file: string): Promise<{ rate: number; echoes: number[] }> {
  const total = SUSTAIN_RATE * SUSTAIN_S;
  const line = (i: number) => `127.0.0.1 - - [06/Dec/2026:21:00:00 +0000] "GET /shop/item/${i}?ref=sustained HTTP/1.1" 200 5123 "-" "Mozilla/5.0 (bench)"\n`;
  await page.locator('.log-filter').click();
  await page.evaluate(`(${ARM})(${total})`);
  let written = 0;
  const t0 = performance.now();
  const writer = setInterval(() => {
    const owed = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * SUSTAIN_RATE));
    const parts: string[] = [];
    for (; written < owed; written++) parts.push(line(written));
    if (parts.length) appendFileSync(file, parts.join(''));
    if (written >= total) clearInterval(writer);
  }, 10);
  while (written < total) {
    await page.keyboard.press('a');
    await page.waitForTimeout(40);
    await page.keyboard.press('Backspace');
    await page.waitForTimeout(40);
  }
  const result = (await page.evaluate('window.__hostdeckBench')) as { ms: number; echoes: number[] };
  await page.locator('.log-filter').fill('');
  return { rate: total / (result.ms / 1000), echoes: result.echoes };
}

// ---- the peer: ssh tail -F in tmux -------------------------------------------------

async function peerRound(ctx: BenchContext, sshArgs: string[], target: string, file: string, round: number): Promise<number> {
  const { text, marker } = flood(round + 100);
  const socket = `hostdeck-bench-tail-${process.pid}`;
  const remote = ['ssh', ...sshArgs, '-tt', target, 'tail', '-n', '0', '-F', file].map(quote).join(' ');
  check('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(COLS), '-y', String(ROWS), remote, ';', 'set-option', '-g', 'history-limit', '5000']);
  ctx.defer(() => spawnSync('tmux', ['-L', socket, 'kill-server']));
  try {
    // tail is running on the server (its command line starts with it; [ ] keeps pgrep's own shell out).
    for (let i = 0; i < 100 && !check('sh', ['-c', `pgrep -f -- ${quote(`^tail -n 0 -F[ ]${file}`)} || true`]).trim(); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const t0 = performance.now();
    write(file, text, marker);
    for (;;) {
      const screen = spawnSync('tmux', ['-L', socket, 'capture-pane', '-p'], { encoding: 'utf8' }).stdout;
      if (screen.includes(marker)) return (LINES + 1) / ((performance.now() - t0) / 1000);
      if (performance.now() - t0 > 120_000) throw new Error('the peer did not show the marker within 120 s');
      await new Promise((r) => setTimeout(r, 5));
    }
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
  }
}

// ---- the run ------------------------------------------------------------------------

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const web1 = ctx.testbed.ssh.web1;
  const site = `hdbt${process.pid}`.slice(0, 16);
  const logDir = path.join(ctx.testbed.root, `bench-logs-${process.pid}`);
  const cleanup = () => {
    spawnSync('sh', ['-c', `id -u ${site} >/dev/null 2>&1 && userdel -r ${site} 2>/dev/null; rm -rf /home/${site} ${quote(logDir)}`]);
  };
  ctx.defer(cleanup);
  try {
    const knownHosts = path.join(ctx.tmpDir, 'known_hosts');
    writeFileSync(knownHosts, `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
    const sshArgs = ['-F', '/dev/null', '-i', ctx.testbed.keys.ed25519.path, '-p', String(web1.port), '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'];
    const home = path.join(ctx.tmpDir, 'home');
    mkdirSync(path.join(home, '.ssh'), { recursive: true });
    writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${web1.host}]:${web1.port} ${web1.hostKeyLine}\n`);
    const app = await startApp('bench-log-tail', home);
    ctx.defer(app.stop);
    const browser = await launchBrowser();
    ctx.defer(() => browser.close());
    const page = await newPage(browser);
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(app.url);
    await openSiteLog(ctx, page, site, logDir);
    const file = path.join(logDir, site, 'access.log');

    // Warm up both ways (JIT, the page, tmux).
    await hostdeckRound(page, file, -1);
    await peerRound(ctx, sshArgs, `root@${web1.host}`, file, -1);

    const ours: number[] = [];
    const theirs: number[] = [];
    const echoes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = await hostdeckRound(page, file, round);
      ours.push(r.rate);
      echoes.push(...r.echoes);
      theirs.push(await peerRound(ctx, sshArgs, `root@${web1.host}`, file, round));
      // A fresh file for the next round; tail's notice of it reaches the view before the next count starts.
      rmSync(file, { force: true });
      writeFileSync(file, '');
      await page.waitForTimeout(1000);
      ctx.log(`round ${round + 1}/${ROUNDS}: Hostdeck ${ours.at(-1)!.toFixed(0)} lines/s (echo median ${median(r.echoes).toFixed(0)} ms, max ${Math.max(...r.echoes).toFixed(0)} ms of ${r.echoes.length}), tmux ${theirs.at(-1)!.toFixed(0)} lines/s`);
    }
    const sustained = await hostdeckSustained(page, file);
    ctx.log(`sustained ${SUSTAIN_RATE} lines/s for ${SUSTAIN_S} s: shown ${sustained.rate.toFixed(0)} lines/s, echo ms ${sustained.echoes.map((v) => v.toFixed(0)).join(' ')}`);
    const what = `${LINES.toLocaleString('en')} access-log lines appended at once to a site's access log, until the last is shown, median of ${ROUNDS}`;
    return [
      entry({ name, metric: `live view of a log: lines/s shown (${what})`, unit: 'lines/s', hostdeck: median(ours), peer: median(theirs), peerName: `OpenSSH ssh -tt tail -F into tmux ${COLS}x${ROWS} (emulator, no display)`, goal: '>= 1.0' }),
      entry({ name, metric: `echo of a keystroke in the filter box while those lines arrive, vs the ${ECHO_BUDGET_MS} ms budget (median of ${echoes.length})`, unit: 'ms', hostdeck: median(echoes), peer: ECHO_BUDGET_MS, peerName: `budget: ${ECHO_BUDGET_MS} ms`, goal: '<= 1.0' }),
      entry({ name, metric: `echo of a keystroke in the filter box while those lines arrive, slowest of ${echoes.length}`, unit: 'ms', hostdeck: Math.max(...echoes), peer: ECHO_BUDGET_MS, peerName: `budget: ${ECHO_BUDGET_MS} ms`, goal: 'info' }),
      entry({ name, metric: `echo of a keystroke in the filter box while ${SUSTAIN_RATE.toLocaleString('en')} lines/s arrive for ${SUSTAIN_S} s, vs the ${ECHO_BUDGET_MS} ms budget (median of ${sustained.echoes.length})`, unit: 'ms', hostdeck: median(sustained.echoes), peer: ECHO_BUDGET_MS, peerName: `budget: ${ECHO_BUDGET_MS} ms`, goal: '<= 1.0' }),
      entry({ name, metric: `echo of a keystroke in the filter box while ${SUSTAIN_RATE.toLocaleString('en')} lines/s arrive for ${SUSTAIN_S} s, slowest of ${sustained.echoes.length}`, unit: 'ms', hostdeck: Math.max(...sustained.echoes), peer: ECHO_BUDGET_MS, peerName: `budget: ${ECHO_BUDGET_MS} ms`, goal: 'info' }),
      entry({ name, metric: `lines/s the live view showed while ${SUSTAIN_RATE.toLocaleString('en')} lines/s were written for ${SUSTAIN_S} s`, unit: 'lines/s', hostdeck: sustained.rate, peer: SUSTAIN_RATE, peerName: 'the rate written', goal: 'info' }),
    ];
  } finally {
    cleanup();
  }
}
