// Team mode: the version of a site's record an edit is based on (hosting.sites' siteVersions) —
// the one its form was opened at, or its list shown at, not a newer one the list refreshed to.
// Solo mode has no versions: the calls carry none.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SiteRecord } from '../../shared/api/hosting';
import { asError } from '../components/use-action';
import { conflictOf } from '../team/ConflictNote';

type Listing = { siteVersions?: Record<string, number> };

/** The site's version as the Sites list shows it now. */
export function useShownSiteVersion(serverId: string, site: string): () => number | undefined {
  const queryClient = useQueryClient();
  return () => queryClient.getQueryData<Listing>(['hosting.sites', serverId])?.siteVersions?.[site];
}

/** The version a form was opened at; set to theirs when the user overwrites or takes theirs. */
export function useSiteBase(serverId: string, site: string): [number | undefined, (version: number | undefined) => void] {
  const shown = useShownSiteVersion(serverId, site);
  return useState(shown);
}

/** A call's baseVersion field: none in solo mode. */
export const basedOn = (version: number | undefined): { baseVersion?: number } => (version === undefined ? {} : { baseVersion: version });

/** JSON with object keys in order (a record read back from the team's database may order them otherwise). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/** Whether two versions of a site differ only in the app's record of created items settled with the queue (nothing a person changed). */
export function sameApartFromCreations(a: SiteRecord, b: unknown): boolean {
  const strip = (s: unknown) => ({ ...(s as Record<string, unknown>), creations: undefined });
  return canonical(strip(a)) === canonical(strip(b));
}

/**
 * Sends an edit of a site based on `base`. A refusal whose only change since the site was shown
 * (`shown`) is the app's own settling of created items (a task that finished meanwhile) is no one
 * else's edit: sent again over that version. Any other refusal is the caller's to show.
 */
export async function sendBased<T>(shown: SiteRecord, base: number | undefined, send: (based: { baseVersion?: number }) => Promise<T>): Promise<T> {
  try {
    return await send(basedOn(base));
  } catch (error) {
    const theirs = conflictOf(asError(error))?.theirs;
    if (!theirs || !sameApartFromCreations(shown, theirs.data)) throw error;
    return send(basedOn(theirs.version));
  }
}
