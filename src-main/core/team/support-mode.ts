// Support mode (read-only customer databases, db/sessions.ts) forced on for a person whose team
// role is support. The role is the one the team database's server gives the login
// (roles.ts currentRole), so no client setting can switch it off: the stored setting is only
// ever OR-ed with it.
import type { TeamRole } from '../../../shared/api/team-admin';
import type { Settings } from '../../../shared/domain';
import type { InventoryStore } from '../inventory/store';

export function roleSupportMode(settings: () => Settings, role: TeamRole | null): () => Settings {
  return () => {
    const s = settings();
    return role === 'support' ? { ...s, supportMode: true } : s;
  };
}

/** The store as the core sees it in team mode: settings read with the role's support mode; `role` is asked each time (it changes when an admin re-roles the person). */
export function withRoleSupportMode(store: InventoryStore, role: () => TeamRole | null): InventoryStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'settings') return () => roleSupportMode(() => target.settings(), role())();
      const value = Reflect.get(target, key, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * This login's team role, asked of the server again every `everyMs`: when an admin changes it,
 * `onChange` runs (the core re-reads settings, so support mode follows within that time).
 */
export class TeamRoleWatch {
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private role: TeamRole | null,
    read: (() => Promise<TeamRole | null>) | null,
    onChange: () => void,
    everyMs = 15_000,
  ) {
    this.timer = read
      ? setInterval(() => {
          read().then(
            (now) => {
              if (now === this.role) return;
              this.role = now;
              onChange();
            },
            () => undefined, // the database not answering: the role stays as last read
          );
        }, everyMs)
      : null;
    this.timer?.unref();
  }

  current(): TeamRole | null {
    return this.role;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
