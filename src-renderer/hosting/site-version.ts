// Team mode: the version of a site's record an edit is based on (hosting.sites' siteVersions) —
// the one its form was opened at, or its list shown at, not a newer one the list refreshed to.
// Solo mode has no versions: the calls carry none.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

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
