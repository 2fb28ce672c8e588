// Steps in web1's Sites tab as a user takes them, shared by the e2e tests of a site's parts.
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';

/** Fills "New site" (no quota, one domain or none), creates it and waits until its task is done; the site's row. */
export async function createSiteInUi(view: Locator, site: string, domain?: string): Promise<Locator> {
  const newSite = view.getByRole('form', { name: 'New site' });
  await newSite.locator('[data-field=name] input').fill(site);
  await newSite.locator('[data-field=quotaMb] input').fill('0');
  if (domain !== undefined) await newSite.locator('[data-field=domains] input').fill(domain);
  await newSite.getByRole('button', { name: 'Create site' }).click();
  const row = view.locator(`tr.site-row[data-site=${site}]`);
  await row.waitFor();
  await expect.poll(() => row.getByTestId('site-task').textContent(), { timeout: 30_000 }).toBe('done');
  return row;
}
