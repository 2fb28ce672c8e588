// The terminal as a user has it in Chromium: open one from the server view, type and read the
// answer, resize, search the scrollback, copy and paste, a second terminal by keyboard, a flood
// (`yes`) that leaves the page responsive with bounded memory and stops on Ctrl-C within a
// second, a dropped SSH connection (and a dropped core socket) that comes back by itself, a
// shell that exits and is started anew, and WebGL with the DOM renderer taking over when its
// context is lost.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { freshHome } from '../helpers/env';
import { e2eSuite, fillServerForm, newPage, shot } from './app';

const suite = e2eSuite();

/** Browser mode with web1 in the inventory (its host key already in known_hosts). */
async function withServer(label: string, options: { gpu?: boolean } = {}): Promise<Page> {
  const home = freshHome(label);
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), `[${suite.tb.ssh.web1.host}]:${suite.tb.ssh.web1.port} ${suite.tb.ssh.web1.hostKeyLine}\n`);
  const app = await suite.start(label, home);
  const page = await newPage(suite.browser);
  // Chromium's GL here is software (SwiftShader), which the app leaves to the DOM renderer;
  // hide the GL's name to take the WebGL path as on a GPU.
  if (options.gpu) await page.addInitScript({ content: GPU_SHIM });
  await page.addInitScript({ content: SOCKETS });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
  await page.goto(app.url);
  await page.getByRole('button', { name: '+ Add server' }).first().click();
  await fillServerForm(page, { name: 'web1', host: suite.tb.ssh.web1.host, port: String(suite.tb.ssh.web1.port), user: 'hdtest', method: 'Private key', keyPath: suite.tb.keys.ed25519.path, tags: 'testbed' });
  await page.getByRole('button', { name: 'Add server', exact: true }).click();
  await page.getByRole('region', { name: 'Server web1' }).waitFor();
  return page;
}

const GPU_SHIM = `{
  const getExtension = WebGL2RenderingContext.prototype.getExtension;
  WebGL2RenderingContext.prototype.getExtension = function (name) {
    return name === 'WEBGL_debug_renderer_info' ? null : getExtension.call(this, name);
  };
}`;

/** Keeps the page's WebSockets within reach, to drop the one to the core as a network would. */
const SOCKETS = `{
  const Native = WebSocket;
  window.__hostdeckSockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      window.__hostdeckSockets.push(this);
    }
  };
}`;

/** The shown terminal. */
const shown = (page: Page): Locator => page.locator('.tab-body:not([hidden]) .terminal-view');

/** The shown terminal's screen text (the DOM renderer's rows; WebGL keeps them off the DOM). */
async function screen(page: Page): Promise<string> {
  return (await shown(page).locator('.xterm-rows').innerText()).replace(/\u00a0/g, ' ');
}

async function waitForScreen(page: Page, re: RegExp, timeout = 10_000): Promise<void> {
  await expect.poll(() => screen(page), { timeout, interval: 20 }).toMatch(re);
}

async function waitOpen(page: Page): Promise<void> {
  await shown(page).and(page.locator('[data-state=open]')).waitFor();
  await waitForScreen(page, /\$\s*$/m);
}

/**
 * Types one character and measures, in the page, from its keydown to the shown terminal's rows
 * holding `expected` (the echo has come back from the server and is drawn). The listeners are in
 * place before the key is pressed.
 */
async function echoLatency(page: Page, ch: string, expected: string): Promise<number> {
  await page.evaluate(`window.__hostdeckEcho = new Promise((resolve, reject) => {
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
  }); window.__hostdeckEcho.catch(() => undefined); true`);
  await page.keyboard.type(ch);
  return page.evaluate('window.__hostdeckEcho') as Promise<number>;
}

/** Shows a terminal tab; the terminal takes the focus once it is visible. */
async function switchTo(page: Page, tab: string): Promise<void> {
  await page.getByRole('tab', { name: tab }).click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.closest('.tab-body:not([hidden]) .terminal-view') != null)).toBe(true);
}

async function run(page: Page, command: string): Promise<void> {
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}

describe('terminal in the UI', () => {
  it('opens from the server view, runs a command and shows its output', async () => {
    const page = await withServer('e2e-term');
    await page.getByRole('button', { name: 'Terminal', exact: true }).click();
    await page.getByRole('tab', { name: 'web1 · terminal 1' }).waitFor();
    await waitOpen(page);
    // This browser's WebGL is software: the DOM renderer draws.
    expect(await shown(page).getAttribute('data-renderer')).toBe('DOM');

    await run(page, 'echo hello');
    await waitForScreen(page, /^hello\s*$/m);
    await run(page, 'echo hello-$((6*7)); printf "\\033[1;32mgreen\\033[0m and \\033[34mblue\\033[0m\\n"');
    await waitForScreen(page, /hello-42/);
    expect(await shown(page).getByRole('status', { name: 'Terminal state' }).textContent()).toBe(`Connected: hdtest@${suite.tb.ssh.web1.host}:${suite.tb.ssh.web1.port}`);
    await shot(page, 'terminal-01-output');
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await page.locator('html[data-theme=dark]').waitFor({ state: 'attached' });
    await shot(page, 'terminal-01-output-dark');
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await shown(page).locator('.xterm-screen').click();

    // Resize: the window shrinks, xterm.js fits, the shell gets the new size.
    await run(page, 'stty size');
    await waitForScreen(page, /^\d+ \d+\s*$/m);
    const before = /^(\d+) (\d+)\s*$/m.exec(await screen(page))!.slice(1).map(Number);
    const rows = shown(page).locator('.xterm-rows > div');
    expect(await rows.count()).toBe(before[0]);
    await page.setViewportSize({ width: 900, height: 560 });
    await expect.poll(() => rows.count()).toBeLessThan(before[0]!);
    // The window-change follows the fit within a moment: ask until the shell has it.
    // One read both matches and is parsed: the screen may still be cleared between two reads.
    const size = async () => {
      await run(page, 'clear; stty size');
      let found: RegExpExecArray | null = null;
      await expect.poll(async () => (found = /^(\d+) (\d+)\s*$/m.exec(await screen(page))) !== null, { timeout: 10_000, interval: 20 }).toBe(true);
      return found!.slice(1).map(Number);
    };
    await expect.poll(async () => (await size())[0], { timeout: 5000, interval: 200 }).toBe(await rows.count());
    expect((await size())[1]).toBeLessThan(before[1]!);
    await page.setViewportSize({ width: 1280, height: 800 });
    await expect.poll(() => rows.count()).toBe(before[0]);

    // Search the scrollback: Ctrl+Shift+F, type, Enter for the next match, Escape closes.
    await run(page, 'for i in 1 2 3; do echo needle-$i; done');
    await waitForScreen(page, /needle-3/);
    await page.keyboard.press('Control+Shift+F');
    const search = shown(page).getByRole('search', { name: 'Search the scrollback' });
    await search.getByRole('textbox', { name: 'Search text' }).fill('needle-');
    await expect.poll(() => search.getByTestId('search-count').textContent()).toMatch(/^\d of 4$/); // 3 lines + the command
    const first = await search.getByTestId('search-count').textContent();
    await page.keyboard.press('Enter');
    await expect.poll(() => search.getByTestId('search-count').textContent()).not.toBe(first);
    await shot(page, 'terminal-02-search');
    await page.keyboard.press('Escape');
    await search.waitFor({ state: 'detached' });

    // Copy a selection with Ctrl+Shift+C (copy on select also happens), paste with Ctrl+Shift+V.
    const row = shown(page).locator('.xterm-rows > div', { hasText: /^needle-3/ });
    const box = (await row.boundingBox())!;
    await page.mouse.dblclick(box.x + 12, box.y + box.height / 2);
    await page.keyboard.press('Control+Shift+C');
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe('needle-3');
    await expect.poll(() => shown(page).locator('.term-note').textContent()).toMatch(/^Copied 8 characters\.$/);
    await page.evaluate(() => navigator.clipboard.writeText('echo pasted-$((5*5))'));
    await shown(page).locator('.xterm-screen').click();
    await page.keyboard.press('Control+Shift+V');
    await page.keyboard.press('Enter');
    await waitForScreen(page, /^pasted-25\s*$/m);

    // A second terminal on the same server with the keyboard.
    await page.keyboard.press('Control+Shift+T');
    await page.getByRole('tab', { name: 'web1 · terminal 2' }).waitFor();
    await waitOpen(page);
    await run(page, 'echo second-$((1+1))');
    await waitForScreen(page, /^second-2\s*$/m);
    // The first one kept its screen while hidden.
    await switchTo(page, 'web1 · terminal 1');
    await waitForScreen(page, /pasted-25/);
  });

  it('stays responsive through a flood, with bounded memory, and Ctrl-C stops it within a second', async () => {
    const page = await withServer('e2e-flood');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    /** What the page's JS keeps alive (after a full GC: garbage waiting for collection is not growth). */
    const heap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'JSHeapUsedSize')!.value / 2 ** 20;
    };
    await page.getByRole('button', { name: 'Terminal', exact: true }).click();
    await waitOpen(page);
    await page.keyboard.press('Control+Shift+T');
    await page.getByRole('tab', { name: 'web1 · terminal 2' }).waitFor();
    await waitOpen(page);
    await switchTo(page, 'web1 · terminal 1');
    const baseline = await heap();

    // 5 s of `yes` on screen: the page answers within 200 ms throughout (one late sample allowed,
    // under 500 ms); once the scrollback is full, what the page keeps alive stops growing.
    await run(page, 'yes');
    await waitForScreen(page, /^y\s*\ny\s*$/m);
    const rtts: number[] = [];
    const heaps: number[] = [];
    const until = Date.now() + 5000;
    for (let i = 0; Date.now() < until; i++) {
      const t0 = performance.now();
      await page.evaluate(() => performance.now());
      rtts.push(performance.now() - t0);
      if (i % 10 === 9) heaps.push(await heap()); // a forced GC stalls the page: not while timing
      await new Promise((r) => setTimeout(r, 100));
    }
    await shot(page, 'terminal-03-flood');

    // Meanwhile, typing in the other terminal echoes promptly (the flood goes on, hidden).
    await switchTo(page, 'web1 · terminal 2');
    await page.keyboard.type('echo ');
    await waitForScreen(page, /\$ echo\s*$/m);
    const echoes: number[] = [];
    let typed = 'echo ';
    for (const ch of 'abcdefghij') {
      typed += ch;
      echoes.push(await echoLatency(page, ch, `$ ${typed}`));
    }
    await page.keyboard.press('Control+U');

    // Ctrl-C in the flooding terminal: the prompt is back within a second.
    await switchTo(page, 'web1 · terminal 1');
    const t0 = performance.now();
    await page.keyboard.press('Control+C');
    await waitForScreen(page, /\^C\s*\n.*\$\s*$/m, 5000);
    const promptMs = performance.now() - t0;
    await run(page, 'echo stopped-$((3*3))');
    await waitForScreen(page, /^stopped-9\s*$/m, 5000);
    const stopMs = performance.now() - t0;
    await shot(page, 'terminal-04-after-ctrl-c');

    const sorted = [...rtts].sort((a, b) => a - b);
    console.log(
      `[terminal flood] page round-trip median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (${rtts.length} samples); ` +
        `live JS heap ${baseline.toFixed(1)} MiB before, ${heaps.map((h) => h.toFixed(1)).join(' / ')} MiB each second; ` +
        `echo in the other terminal median ${[...echoes].sort((a, b) => a - b)[echoes.length >> 1]!.toFixed(1)} ms, max ${Math.max(...echoes).toFixed(1)} ms; ` +
        `Ctrl-C to prompt ${stopMs.toFixed(0)} ms (prompt back ${promptMs.toFixed(0)} ms)`,
    );
    // One sample may be late (a GC, or the other test files on the 2 cores: 228 ms once in CI
    // among 37 with a median of 18), but none by much.
    expect(sorted.at(-2)!).toBeLessThan(200);
    expect(sorted.at(-1)!).toBeLessThan(500);
    expect(Math.max(...heaps)).toBeLessThan(baseline + 32);
    expect(heaps.at(-1)! - heaps[0]!).toBeLessThan(4);
    expect(Math.max(...echoes)).toBeLessThan(200);
    expect(stopMs).toBeLessThan(1000);
  });

  it('shows a dropped connection, comes back by itself, and starts a new shell after exit', async () => {
    const page = await withServer('e2e-term-reconnect');
    await page.getByRole('button', { name: 'Terminal', exact: true }).click();
    await waitOpen(page);
    await run(page, 'echo pid=$PPID');
    await waitForScreen(page, /^pid=\d+\s*$/m);
    const pid = Number(/^pid=(\d+)\s*$/m.exec(await screen(page))![1]);
    process.kill(pid, 'SIGKILL'); // the server-side session process: the connection drops

    const state = shown(page).getByRole('status', { name: 'Terminal state' });
    await shown(page).and(page.locator('[data-state=reconnecting]')).waitFor();
    expect(await state.textContent()).toMatch(/^Reconnecting: /);
    expect(await page.locator('.tab .term-light.term-reconnecting').count()).toBe(1);
    await shot(page, 'terminal-05-reconnecting');
    await shown(page).and(page.locator('[data-state=open]')).waitFor({ timeout: 10_000 });
    await waitForScreen(page, /\[connection lost: reconnecting\]\n\[reconnected: this is a new shell\]/);
    await run(page, 'echo back-$((4*4))');
    await waitForScreen(page, /^back-16\s*$/m);

    // Losing the core itself (browser mode's socket) ends the window's shells; back, a new one.
    await page.evaluate('window.__hostdeckSockets.at(-1).close()');
    await shown(page).and(page.locator('[data-state=reconnecting]')).waitFor();
    expect(await state.textContent()).toBe('Reconnecting: Lost the connection to the Hostdeck core.');
    await shown(page).and(page.locator('[data-state=open]')).waitFor({ timeout: 15_000 });
    await waitForScreen(page, /\[reconnected to the core: this is a new shell\]/);
    await run(page, 'echo core-$((5*5))');
    await waitForScreen(page, /^core-25\s*$/m);

    await run(page, 'exit');
    await shown(page).and(page.locator('[data-state=closed]')).waitFor();
    expect(await state.textContent()).toBe('Closed: The shell exited with status 0.');
    await waitForScreen(page, /Press Enter for a new shell\./);
    await shot(page, 'terminal-06-exited');
    await page.keyboard.press('Enter');
    await waitOpen(page);
    await run(page, 'echo new-$((2*4))');
    await waitForScreen(page, /^new-8\s*$/m);
  });

  it('draws with WebGL where it can and falls back to the DOM renderer when the context is lost', async () => {
    const page = await withServer('e2e-term-webgl', { gpu: true });
    await page.getByRole('button', { name: 'Terminal', exact: true }).click();
    await shown(page).and(page.locator('[data-state=open]')).waitFor();
    expect(await shown(page).getAttribute('data-renderer')).toBe('WebGL');
    expect(await shown(page).locator('.xterm-rows').count()).toBe(0);
    await run(page, 'printf "drawn by \\033[1;34mWebGL\\033[0m: %s\\n" "$(uname -sr)"');
    await new Promise((r) => setTimeout(r, 500)); // the canvas shows it (no DOM text to wait for)
    await shot(page, 'terminal-07-webgl');

    await page.evaluate(() => {
      const canvas = [...document.querySelectorAll<HTMLCanvasElement>('.terminal-view canvas')].find((c) => c.getContext('webgl2'));
      canvas!.getContext('webgl2')!.getExtension('WEBGL_lose_context')!.loseContext();
    });
    await shown(page).and(page.locator('[data-renderer=DOM]')).waitFor();
    await run(page, 'echo after-loss-$((7*7))');
    await waitForScreen(page, /^after-loss-49\s*$/m);
  });
});
