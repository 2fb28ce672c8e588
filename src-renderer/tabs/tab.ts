// What a tab of the centre is: its kind and target, and what the app hands every tab's body.
// Features import these types from here; only tabs/registry.tsx imports the features.
import type { Server } from '../../shared/domain';

export type Tab =
  | { id: string; kind: 'server'; serverId: string }
  /** n: the terminal's number among this server's terminals (for its title). */
  | { id: string; kind: 'terminal'; serverId: string; n: number }
  | { id: 'health'; kind: 'health'; serverId: null }
  /** Every server, site, zone and route drawn as one map. */
  | { id: 'fleet-map'; kind: 'fleet-map'; serverId: null }
  | { id: 'settings'; kind: 'settings'; serverId: null }
  /** A server's databases: access settings, the tree, search. */
  | { id: string; kind: 'db'; serverId: string }
  | { id: string; kind: 'table'; serverId: string; database: string; table: string }
  | { id: string; kind: 'sql'; serverId: string; database: string | null }
  /** A server's MySQL process list, status, variables, users. */
  | { id: string; kind: 'db-admin'; serverId: string }
  | { id: 'audit'; kind: 'audit'; serverId: null }
  /** A server's task queue. */
  | { id: string; kind: 'queue'; serverId: string }
  /** A server's sites (hosting accounts). */
  | { id: string; kind: 'sites'; serverId: string; site?: string }
  /** A site's files (browsed as the site's own user). */
  | { id: string; kind: 'files'; serverId: string; site: string }
  /** A server's own logs, live. */
  | { id: string; kind: 'logs'; serverId: string }
  /** DNS: every zone, its records, plans and pushes to the nameservers. */
  | { id: 'dns'; kind: 'dns'; serverId: null; zone?: string }
  /** A server's drift from Hostdeck's records, and the fleet's. */
  | { id: string; kind: 'drift'; serverId: string }
  | { id: 'drift-fleet'; kind: 'drift-fleet'; serverId: null };

export type TabContext = {
  servers: Server[];
  onEdit: (serverId: string) => void;
  onRemoved: (serverId: string) => void;
  onOpenServer: (serverId: string) => void;
  onTerminal: (serverId: string) => void;
  /** Opens (or shows) any tab; ids are stable per target, e.g. `table:<server>:<db>:<table>`. */
  onOpenTab: (tab: Tab) => void;
};

export const driftTab = (serverId: string): Tab => ({ id: `drift:${serverId}`, kind: 'drift', serverId });
export const DRIFT_FLEET_TAB: Tab = { id: 'drift-fleet', kind: 'drift-fleet', serverId: null };
