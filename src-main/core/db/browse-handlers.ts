// The database browser's part of the contract: pages, counts, full cells, staged edits.
import type { dbBrowseApi } from '../../../shared/api/db';
import type { HandlersFor } from '../dispatch';
import type { DbBrowser } from './browse';

export function dbBrowseHandlers(browser: DbBrowser): HandlersFor<typeof dbBrowseApi> {
  return {
    'db.page': (input) => browser.page(input),
    'db.count': (input) => browser.count(input),
    'db.cell': (input) => browser.cell(input),
    'db.applyEdits': (input) => browser.applyEdits(input),
  };
}
