// What each team role may do, in a sentence (translated with t() where shown).
import type { TeamRole } from '../../shared/api/team-admin';
import { msg } from '../i18n';

export const ROLE_SUMMARY: Record<TeamRole, string> = {
  admin: msg('everything: inventory, sites, DNS, queue, people and roles'),
  operator: msg('the queue and sites (no inventory, no people)'),
  dns: msg('DNS zones and their pushes'),
  support: msg('read-only: browse; customer databases in support mode only'),
};
