// Drives Hostdeck like a user: starts browser mode as its own process (the built
// dist/host/serve.mjs, exactly what `npm run serve` runs) and opens it in Debian's Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { freshDataDir, freshHome, screenshotDir } from '../helpers/env';
import { wireSecretWatcher } from '../helpers/secrets';
import { loadTestbed, type TestbedInfo } from '../../testbed/testbed';
import { REPO } from '../../testbed/util';

export type RunningApp = { url: string; origin: string; home: string; dataDir: string; stop(): Promise<void> };

/**
 * `testKinds`: the queue's own e2e tests run test/helpers/serve-with-test-kinds.ts instead (the
 * same core and host, plus the test task kinds and `test.enqueue`, which the app does not have).
 * `dataDir`: a data folder prepared beforehand (e.g. a big fleet from test/helpers/fleet-data.ts).
 */
export async function startApp(label: string, home = freshHome(label), options: { testKinds?: boolean; dataDir?: string } = {}): Promise<RunningApp> {
  const dataDir = options.dataDir ?? freshDataDir(label);
  const args = options.testKinds
    ? ['--import', 'tsx', path.join(REPO, 'test/helpers/serve-with-test-kinds.ts'), '--data-dir', dataDir, '--static-dir', path.join(REPO, 'dist/renderer')]
    : [path.join(REPO, 'dist/host/serve.mjs'), '--data-dir', dataDir];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO,
    env: { ...process.env, HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`browser mode did not start: ${stderr}`)), 15_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    home,
    dataDir,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Debian's Chromium; every page's WebSocket to the core is watched for the secrets it carries (registerSecretsOnWire). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  browser.on('context', (context) => {
    context.pages().forEach(registerSecretsOnWire);
    context.on('page', registerSecretsOnWire);
  });
  return browser;
}

/**
 * Registers for the final scan every secret a page sends the core (typed into any field) and every
 * one the core returns to it (a generated password shown once): whatever the UI's forms look like,
 * each secret crosses the page's WebSocket as a protocol message.
 */
function registerSecretsOnWire(page: Page): void {
  page.on('websocket', (socket) => {
    const watch = wireSecretWatcher('UI');
    socket.on('framesent', ({ payload }) => watch.sent(payload.toString()));
    socket.on('framereceived', ({ payload }) => watch.received(payload.toString()));
  });
}

export type E2eSuite = {
  /** The testbed (set once beforeAll has run). */
  readonly tb: TestbedInfo;
  /** The shared Chromium (set once beforeAll has run). */
  readonly browser: Browser;
  /** Starts browser mode (startApp) and stops it after the file's tests. */
  start(label: string, home?: string, options?: { testKinds?: boolean; dataDir?: string }): Promise<RunningApp>;
  /** `start`, then a new page showing it. */
  open(label: string, home?: string): Promise<{ app: RunningApp; page: Page }>;
};

/**
 * An e2e test file's set-up: registers beforeAll (load the testbed, launch Chromium) and afterAll
 * (close Chromium, stop every app `start` started). Call it at the top level of the file.
 */
export function e2eSuite(): E2eSuite {
  let tb: TestbedInfo | undefined;
  let browser: Browser | undefined;
  const apps: RunningApp[] = [];
  beforeAll(async () => {
    tb = loadTestbed();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(apps.map((a) => a.stop()));
  });
  const suite: E2eSuite = {
    get tb() {
      if (!tb) throw new Error('e2eSuite: the testbed is loaded in beforeAll');
      return tb;
    },
    get browser() {
      if (!browser) throw new Error('e2eSuite: the browser is launched in beforeAll');
      return browser;
    },
    async start(label, home, options) {
      const app = await startApp(label, home, options);
      apps.push(app);
      return app;
    },
    async open(label, home) {
      const app = await suite.start(label, home);
      const page = await newPage(suite.browser);
      await page.goto(app.url);
      return { app, page };
    },
  };
  return suite;
}

/** The shown tab's body. */
export const active = (page: Page): Locator => page.locator('.tab-body:not([hidden])');

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  return context.newPage();
}

export type Shown = { title: string; body: string; tag: string };

/** Records every desktop notification the context's pages raise (and still raises it). */
export async function recordNotifications(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Real = window.Notification;
    const shown: Shown[] = [];
    (window as unknown as { __shown: Shown[] }).__shown = shown;
    function Recorded(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body ?? '', tag: options?.tag ?? '' });
      return new Real(title, options);
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    Object.defineProperty(Recorded, 'requestPermission', { value: (...args: Parameters<typeof Real.requestPermission>) => Real.requestPermission(...args) });
    (window as unknown as { Notification: unknown }).Notification = Recorded;
  });
}

/** The notifications recordNotifications saw on this page. */
export const shown = (page: Page): Promise<Shown[]> => page.evaluate(() => (window as unknown as { __shown: Shown[] }).__shown);

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  // A secret shown once on screen (a generated password) must not end up in a screenshot.
  await page.screenshot({ path: file, fullPage: false, mask: [page.locator('.secret-once'), page.locator('.secret-text')] });
  return file;
}

/** A screenshot with the pointer parked in the corner, so no hover state shows. */
export async function calmShot(page: Page, name: string): Promise<string> {
  await page.mouse.move(5, 790);
  return shot(page, name);
}

/** One contract call over a WebSocket of the page's own (the same origin and session as the UI). */
export function contract<T>(page: Page, method: string, input: unknown): Promise<T> {
  return page.evaluate(
    ([method, input]) =>
      new Promise<T>((resolve, reject) => {
        const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
        ws.onopen = () => ws.send(JSON.stringify({ kind: 'call', id: 1, method, input }));
        ws.onmessage = (e) => {
          const m = JSON.parse(String(e.data)) as { kind: string; id?: number; ok?: boolean; output?: T; error?: unknown };
          if (m.kind !== 'result' || m.id !== 1) return;
          ws.close();
          if (m.ok) resolve(m.output as T);
          else reject(new Error(JSON.stringify(m.error)));
        };
        ws.onerror = () => reject(new Error('WebSocket failed'));
      }),
    [method, input] as const,
  );
}

/** Joins a team as a user does: Settings → Team → "Join an existing team", the login's fields, Join team. */
export async function joinTeamInSettings(page: Page, login: { workstation: string; host: string; port: number; user: string; password: string; database: string }): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const teamPanel = active(page).getByRole('region', { name: 'Team' });
  await teamPanel.getByRole('radio', { name: /Join an existing team/ }).check();
  for (const field of ['workstation', 'host', 'port', 'user', 'password', 'database'] as const) await teamPanel.locator(`input[name=${field}]`).fill(String(login[field]));
  await teamPanel.getByRole('button', { name: 'Join team' }).click();
}

/** Adds web1 (key login as `user`) with "+ Add server", trusts its host key and waits until it is connected. */
export async function addTrustedWeb1(page: Page, tb: TestbedInfo, user = 'hdtest'): Promise<void> {
  await addTrustedServer(page, tb, 'web1', user);
}

/** Adds the testbed's web1 or web2 as addTrustedWeb1 does. */
export async function addTrustedServer(page: Page, tb: TestbedInfo, name: 'web1' | 'web2', user = 'hdtest'): Promise<void> {
  await page.getByRole('button', { name: '+ Add server' }).first().click();
  await fillServerForm(page, { name, host: tb.ssh[name].host, port: String(tb.ssh[name].port), user, method: 'Private key', keyPath: tb.keys.ed25519.path });
  await page.getByRole('button', { name: 'Add server', exact: true }).click();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await page.getByRole('button', { name: 'Trust this key and connect' }).click();
  await page.getByRole('region', { name: `Server ${name}` }).getByTestId('uname').waitFor();
}

/** Fills the "Add a server" form the way a user does. */
export async function fillServerForm(
  page: Page,
  s: { name: string; host: string; port: string; user: string; method?: string; keyPath?: string; secret?: string; tags?: string },
): Promise<void> {
  const form = page.getByRole('form', { name: /server/i });
  await form.locator('input[name=name]').fill(s.name);
  await form.locator('input[name=host]').fill(s.host);
  await form.locator('input[name=port]').fill(s.port);
  await form.locator('input[name=user]').fill(s.user);
  if (s.method) await form.locator('select[name=method]').selectOption({ label: s.method });
  if (s.keyPath !== undefined) await form.locator('input[name=keyPath]').fill(s.keyPath);
  if (s.secret !== undefined) await form.locator('input[name=secret]').fill(s.secret);
  if (s.tags !== undefined) await form.locator('input[name=tags]').fill(s.tags);
}
