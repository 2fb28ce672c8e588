// Typing into the search box over a big fleet, each keystroke timed inside the page from its
// keydown to the narrowed list painted (bench/in-page-timer.ts): the e2e scale test and the
// fleet-1000 bench measure the same way.
import type { Page } from 'playwright-core';
import type { Server } from '../../shared/domain';
import type { StoredServer } from '../../src-main/core/inventory/store';
import { filterFleet, NO_FILTERS, prepare, type FleetFilters } from '../../src-renderer/components/fleet-filter';
import { armTimer, timerResult } from '../../bench/in-page-timer';

export type FleetSearch = {
  /** How many servers the list should show, computed as the list computes it (health not filtered). */
  expected(search: string, filters?: FleetFilters): number;
  /** Times one input until the list shows `search` and `filters` applied (`shown` servers: by default as expected() says). */
  timed(wanted: { search: string; filters: FleetFilters; shown?: number }, action: () => Promise<unknown>): Promise<number>;
  /** Types each term into the cleared search box a key at a time; the time of every keystroke. */
  typeTerms(terms: string[]): Promise<number[]>;
};

export function fleetSearch(page: Page, servers: StoredServer[]): FleetSearch {
  const prepared = prepare(servers.map((s): Server => ({ ...s, hasSecret: false })));
  const list = page.getByTestId('fleet-list');
  const search = page.getByRole('searchbox', { name: 'Search' });
  const self: FleetSearch = {
    expected: (text, filters = NO_FILTERS) => filterFleet(prepared, text, filters, {}).length,
    async timed({ search: text, filters, shown }, action) {
      await armTimer(page, { kind: 'fleet', search: text, filters: `${filters.role}|${filters.tag}|${filters.health}`, shown: shown ?? self.expected(text, filters) });
      await action();
      return timerResult(page);
    },
    async typeTerms(terms) {
      const times: number[] = [];
      for (const term of terms) {
        await search.press('Escape'); // clears the search (not timed)
        await list.and(page.locator('[data-search=""]')).waitFor();
        let typed = '';
        for (const ch of term) {
          typed += ch;
          // An empty list has nothing to paint: the timer would wait for ever.
          if (self.expected(typed) === 0) throw new Error(`fleetSearch: "${typed}" matches no server`);
          times.push(await self.timed({ search: typed, filters: NO_FILTERS }, () => search.press(ch)));
        }
      }
      return times;
    },
  };
  return self;
}
