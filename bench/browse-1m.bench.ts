// The database browser on shop.orders (1,000,000 rows) as a user meets it, against phpMyAdmin
// (Debian's package, bench/phpmyadmin.ts) on the same MariaDB: Hostdeck in browser mode (the built
// dist/host/serve.mjs) in Debian's Chromium, reaching web1's MariaDB through SSH, the 'table' tab.
//   - first page: the table clicked in the tree (a new tab: columns + first page) -> rows rendered;
//   - page at row 900,000: "Go to row" 900000 + Enter -> that page's rows rendered;
//   - sort by email (unindexed): a click on its header -> the sorted first page rendered;
//   - LIKE on email ('%grace.77%'): the filter applied -> the first matching page rendered.
// phpMyAdmin is driven as its users drive it, through its own AJAX navigation (bench/phpmyadmin.ts).
// Same page size on both sides (PMA_MAX_ROWS = 100). Each scenario starts from a freshly opened
// tab (not timed, except for the first page, where opening it is the action). Every figure twice,
// on both sides: inside the page, from the input event to the rows painted (bench/in-page-timer.ts:
// without Playwright's own ~35 ms a click), and from the automation's action to the rows rendered.
// One warm-up round, then RUNS rounds, the four interleaved; medians. Goal: at least 3x faster on
// each.
import type { Page } from 'playwright-core';
import { active, launchBrowser, newPage, startApp } from '../test/e2e/app';
import { connectWeb1Db } from '../test/e2e/db-setup';
import { entry, median, type BenchContext, type BenchEntry } from './lib';
import { timeAction, type Timing } from './in-page-timer';
import { measurePhpMyAdmin, PMA_MAX_ROWS, startPhpMyAdmin, type Samples, type Scenario } from './phpmyadmin';

export const name = 'browse-1m';

const RUNS = 7;
const LIKE = '%grace.77%';
const METRICS: Record<Scenario, string> = {
  firstPage: 'shop.orders (1M rows) first page',
  pageAt900k: 'shop.orders page at row 900,000',
  sortUnindexed: 'shop.orders sorted by unindexed email, first page',
  likeFilter: "shop.orders filtered email LIKE '%grace.77%', first page",
};
const HOW = {
  inPage: 'input event to rows painted, timed in the page (Chromium)',
  outside: "Playwright's action to rows rendered (Chromium)",
};

/** Resolves when the active grid shows a settled page whose key contains `needle` and first row is `first`. */
async function rendered(page: Page, first: number, needle: string): Promise<void> {
  await page.waitForFunction(
    ({ first, needle }) => {
      const grid = document.querySelector<HTMLElement>('.tab-body:not([hidden]) [data-testid=grid]');
      if (!grid || grid.getAttribute('aria-busy') !== 'false') return false;
      const shown = grid.dataset.shown ?? '';
      return shown !== '' && shown.includes(needle) && grid.dataset.first === String(first) && grid.querySelector('.grid-row .grid-cell') !== null;
    },
    { first, needle },
    { polling: 'raf', timeout: 60_000 },
  );
}

async function closeTableTabs(page: Page): Promise<void> {
  for (;;) {
    const close = page.getByRole('button', { name: /^Close shop\.orders/ });
    if (!(await close.count())) return;
    await close.first().click();
  }
}

/** Opens shop.orders from the tree; resolves when its first page is rendered. */
async function openOrders(page: Page): Promise<void> {
  await page.getByRole('tab', { name: /databases/ }).click();
  await active(page).getByRole('treeitem', { name: 'orders', exact: true }).click();
  await rendered(page, 1, '"sort":null');
}

async function measureHostdeck(ctx: BenchContext): Promise<Samples> {
  const tb = ctx.testbed;
  const app = await startApp('bench-browse-1m');
  ctx.defer(() => app.stop());
  const browser = await launchBrowser();
  ctx.defer(() => browser.close());
  const page = await newPage(browser);
  await page.goto(app.url);
  const shop = await connectWeb1Db(page, tb);
  await shop.locator('.db-node').click();
  await active(page).getByRole('treeitem', { name: 'orders', exact: true }).waitFor({ timeout: 30_000 });

  const fresh = async () => {
    await closeTableTabs(page);
    await openOrders(page);
  };
  const scenarios: Record<Scenario, () => Promise<Timing>> = {
    firstPage: async () => {
      await closeTableTabs(page);
      await page.getByRole('tab', { name: /databases/ }).click();
      return timeAction(page, { kind: 'hostdeck', first: 1, needle: '"sort":null' }, () => active(page).getByRole('treeitem', { name: 'orders', exact: true }).click());
    },
    pageAt900k: async () => {
      await fresh();
      const box = active(page).getByRole('textbox', { name: 'Go to row' });
      await box.fill('900000');
      return timeAction(page, { kind: 'hostdeck', first: 900_000, needle: '"offset":899999' }, () => box.press('Enter'));
    },
    sortUnindexed: async () => {
      await fresh();
      return timeAction(page, { kind: 'hostdeck', first: 1, needle: '"sort":{"column":"email","dir":"asc"}' }, () => active(page).locator('.grid-th[data-col=email]').click());
    },
    likeFilter: async () => {
      await fresh();
      await active(page).getByRole('button', { name: '+ Filter' }).click();
      const filters = active(page).getByRole('form', { name: 'Filters' });
      await filters.getByRole('combobox', { name: 'Filter column' }).selectOption('email');
      await filters.getByRole('combobox', { name: 'Filter operator' }).selectOption('LIKE');
      await filters.getByRole('textbox', { name: 'Filter value' }).fill(LIKE);
      return timeAction(page, { kind: 'hostdeck', first: 1, needle: 'grace.77' }, () => filters.getByRole('button', { name: 'Apply' }).click());
    },
  };
  const samples: Samples = { firstPage: [], pageAt900k: [], sortUnindexed: [], likeFilter: [] };
  for (let round = -1; round < RUNS; round++) {
    for (const k of Object.keys(scenarios) as Scenario[]) {
      const t = await scenarios[k]();
      if (round >= 0) samples[k].push(t);
    }
  }
  const rows = await active(page).locator('.grid-cell[data-col=email]').allTextContents();
  if (!rows.length || rows.some((e) => !e.includes('grace.77'))) throw new Error(`the LIKE page shows other rows: ${rows.slice(0, 3).join(', ')}`);
  await browser.close();
  await app.stop();
  return samples;
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const hostdeck = await measureHostdeck(ctx);
  const scenarios = Object.keys(METRICS) as Scenario[];
  const med = (how: keyof typeof HOW) => Object.fromEntries(scenarios.map((k) => [k, median(hostdeck[k].map((t) => t[how]))])) as Record<Scenario, number>;
  const ours = { inPage: med('inPage'), outside: med('outside') };
  const show = (m: Record<Scenario, number>) => scenarios.map((k) => `${k} ${m[k].toFixed(0)} ms`).join(', ');
  ctx.log(`Hostdeck (median of ${RUNS}, ${PMA_MAX_ROWS} rows/page): in the page ${show(ours.inPage)}; from the action ${show(ours.outside)}`);
  for (const k of scenarios) ctx.log(`  ${k}: in the page ${hostdeck[k].map((t) => t.inPage.toFixed(0)).join(' ')}; from the action ${hostdeck[k].map((t) => t.outside.toFixed(0)).join(' ')}`);

  const pma = await startPhpMyAdmin(ctx.testbed, ctx.log);
  ctx.defer(() => pma.stop());
  let peer;
  try {
    peer = await measurePhpMyAdmin(pma, { runs: RUNS, log: ctx.log });
  } finally {
    await pma.stop();
  }
  const peerName = `phpMyAdmin ${pma.version} (Debian, php-fpm, default settings, its AJAX navigation, ${PMA_MAX_ROWS} rows/page chosen in its menu)`;
  return (['inPage', 'outside'] as const).flatMap((how) =>
    scenarios.map((k) =>
      entry({ name, metric: `${METRICS[k]}, ${HOW[how]} (median of ${RUNS})`, unit: 'ms', hostdeck: ours[how][k], peer: peer[how][k], peerName: k === 'pageAt900k' ? `${peerName}; its page selector's page nearest row 900,000 (from row ${peer.deepRow})` : peerName, goal: '<= 0.333' }),
    ),
  );
}
