// A clock inside the page for the browser benchmarks (browse-1m: Hostdeck and phpMyAdmin alike;
// fleet-1000 and its e2e test: the fleet list):
// performance.now() at the input event that starts the action (a capture-phase listener on the
// window for click, keydown and change, so before any handler of the page), and at the first
// animation frame after the expected rows are in the DOM (a MutationObserver checks for them after
// every change; requestAnimationFrame then runs just before the frame that paints them). That
// leaves out what the automation costs around the action (Playwright's actionability checks and
// round trips, ~35 ms a click, and its polling for the result).
//
//   await armTimer(page, { kind: 'pma' });   then the action, then
//   const ms = await timerResult(page);      input event to rows painted
// Node's clock under another name: the page's functions below use the page's own `performance`,
// which a test runner rewriting imported names (vitest) would otherwise turn into Node's.
import { performance as nodeClock } from 'node:perf_hooks';
import type { Page } from 'playwright-core';

export type RowsWanted =
  /** Hostdeck's grid in the visible tab: settled, data-first = first, its page key contains needle. */
  | { kind: 'hostdeck'; first: number; needle: string }
  /** phpMyAdmin: a results table with rows that was not on the page when the timer was armed. */
  | { kind: 'pma' }
  /** Hostdeck's fleet list: narrowed by this search text and these filters (role|tag|health), showing `shown` servers. */
  | { kind: 'fleet'; search: string; filters: string; shown: number };

type TimerState = { t0: number | null; t1: number | null; stop: () => void };

/** Arms the timer: the next input event starts it, the wanted rows painted stop it. */
export async function armTimer(page: Page, wanted: RowsWanted): Promise<void> {
  // tsx (esbuild's keepNames) wraps named inner functions in __name(), which the page lacks.
  await page.evaluate('window.__name ??= (f) => f');
  await page.evaluate((wanted) => {
    const w = window as unknown as { __benchTimer?: TimerState };
    w.__benchTimer?.stop();
    const state: TimerState = { t0: null, t1: null, stop: () => undefined };
    const inputs = ['click', 'keydown', 'change'];
    const onInput = () => {
      if (state.t0 === null) state.t0 = performance.now();
    };
    for (const type of inputs) window.addEventListener(type, onInput, { capture: true });
    // phpMyAdmin replaces its results table on every load: the one there now is not the answer.
    for (const t of document.querySelectorAll('table.table_results')) t.setAttribute('data-bench-old', '');
    const there = (): boolean => {
      if (wanted.kind === 'pma') return Array.from(document.querySelectorAll('table.table_results:not([data-bench-old])')).some((t) => t.querySelector('tbody tr td') !== null);
      if (wanted.kind === 'fleet') {
        const list = document.querySelector<HTMLElement>('[data-testid=fleet-list]');
        return !!list && list.dataset.search === wanted.search && list.dataset.filters === wanted.filters && list.dataset.shown === String(wanted.shown) && list.querySelector('.server-item') !== null;
      }
      const grid = document.querySelector<HTMLElement>('.tab-body:not([hidden]) [data-testid=grid]');
      if (!grid || grid.getAttribute('aria-busy') !== 'false') return false;
      const shown = grid.dataset.shown ?? '';
      return shown.includes(wanted.needle) && grid.dataset.first === String(wanted.first) && grid.querySelector('.grid-row .grid-cell') !== null;
    };
    let seen = false;
    const observer = new MutationObserver(() => {
      if (state.t0 === null || seen || !there()) return;
      seen = true;
      observer.disconnect();
      requestAnimationFrame(() => {
        state.t1 = performance.now();
      });
    });
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
    state.stop = () => {
      observer.disconnect();
      for (const type of inputs) window.removeEventListener(type, onInput, { capture: true });
    };
    w.__benchTimer = state;
  }, wanted);
}

/** Waits until the armed timer has stopped (the rows painted); input event to paint, ms. */
export async function timerResult(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    () => {
      const s = (window as unknown as { __benchTimer?: TimerState }).__benchTimer;
      return s && s.t0 !== null && s.t1 !== null ? s.t1 - s.t0 : false;
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  const ms = (await handle.jsonValue()) as number;
  await page.evaluate(() => (window as unknown as { __benchTimer?: TimerState }).__benchTimer?.stop());
  return ms;
}

/** One figure: input event to rows painted (in the page), and the automation's action to the same (outside). */
export type Timing = { inPage: number; outside: number };

/** The action, timed both ways; outside: from its start until Node sees the page's timer stopped. */
export async function timeAction(page: Page, wanted: RowsWanted, action: () => Promise<unknown>): Promise<Timing> {
  await armTimer(page, wanted);
  const t0 = nodeClock.now();
  await action();
  const inPage = await timerResult(page);
  return { outside: nodeClock.now() - t0, inPage };
}
