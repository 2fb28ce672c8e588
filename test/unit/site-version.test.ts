// A refused edit of a site is sent again by itself only when the site changed in nothing a person
// edits: the app's record of created items settled with the queue (src-renderer/hosting/site-version.ts).
import { describe, expect, it } from 'vitest';
import type { SiteRecord } from '../../shared/api/hosting';
import { sameApartFromCreations } from '../../src-renderer/hosting/site-version';

const site = {
  name: 'shop', status: 'active', quotaMb: 0, ftpUsers: [], databases: [], domains: [], cron: [{ id: 'a1', schedule: '0 3 * * *', command: 'true' }],
  creations: [{ kind: 'site', name: 'shop', taskId: 't1', notApplied: false }],
} as unknown as SiteRecord;

describe('sameApartFromCreations', () => {
  it('takes a settled creation, in any key order, as no one else\'s edit', () => {
    const settled = JSON.parse(JSON.stringify({ ...site, creations: [] })) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(settled).reverse());
    expect(sameApartFromCreations(site, reordered)).toBe(true);
  });
  it('takes any other change as an edit', () => {
    expect(sameApartFromCreations(site, { ...site, creations: [], cron: [] })).toBe(false);
    expect(sameApartFromCreations(site, { ...site, php: { version: '8.2' } })).toBe(false);
    expect(sameApartFromCreations(site, { ...site, cron: [{ id: 'a1', schedule: '0 4 * * *', command: 'true' }] })).toBe(false);
  });
});
