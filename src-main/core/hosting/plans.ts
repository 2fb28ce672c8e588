// Every change an admin asks of the hosting layer becomes a plan: the tasks that bring the server
// in line (in order), the records as they will be, and any password to hold for its task. The
// same plan is either previewed (its tasks' exact commands) or queued, all tasks or none, and
// then recorded. Pure: records and settings in, plan out.
import { randomInt, randomUUID } from 'node:crypto';
import { itemState, type Creation, type HostingChange, type HostingSettings, type ItemKind, type ItemState, type SiteItem, type SiteRecord } from '../../../shared/api/hosting';
import { AppError, fill, msg, type Said } from '../../../shared/errors';
import type { Task } from '../../../shared/queue';
import { siteKey, type DbCreate, type DomainBind, type FtpCreate, type SiteCreate } from '../../../shared/hosting';
import './db-tasks';
import { disablePhp, phpOnDelete, phpOnStatus, phpSocketParam, setPhp } from './php-plans';
import { cronOnDelete, cronOnStatus, removeCronJob, setCronJob } from './cron-plans';
import { logDirParam, logsRemoveStep, logsStep, setUpLogs } from './log-plans';
import './log-tasks';
import './ftp-tasks';
import './site-tasks';
import { tlsForgetStep } from './tls-tasks';
import { tlsParam } from './vhost-tasks';

export type Step = { kind: string; params: Record<string, unknown> };
export type Plan = {
  steps: Step[];
  /** The server's records once the change is made. */
  sites: SiteRecord[];
  /** Passwords to hold (by reference) until their tasks have run. */
  secrets: { ref: string; password: string }[];
  /** Items the plan creates, each by its step (index in `steps`): recorded with that task's id. */
  creates?: Created[];
};
export type Created = { step: number; site: string; kind: ItemKind; name: string; subdir?: string };

/** Letters and digits without look-alikes (0/O, 1/l/I) plus a few symbols that need no care anywhere. */
const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.+=';

export function generatePassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
  return out;
}

/** A form's value refused: the message in the UI's language, the same English under its field. */
function invalid(field: string, key: string, params: Said['params']): never {
  throw AppError.worded('invalid-input', key, params, { fields: { [field]: fill(key, params) } });
}

export function find(sites: SiteRecord[], name: string): SiteRecord {
  const site = sites.find((s) => s.name === name);
  if (!site) throw AppError.worded('not-found', msg('No site "{{site}}" on this server in Hostdeck\'s records.'), { site: name }, { fields: { site: 'No such site on this server' } });
  return site;
}

export function replace(sites: SiteRecord[], name: string, change: (s: SiteRecord) => SiteRecord): SiteRecord[] {
  return sites.map((s) => (s.name === name ? change(s) : s));
}

/** The site (and binding) that already serves a host name on this server, if any. */
function servedBy(sites: SiteRecord[], host: string): { site: string; domain: string } | null {
  for (const s of sites) for (const b of s.domains) if (b.domain === host || b.aliases.includes(host)) return { site: s.name, domain: b.domain };
  return null;
}

const statusStep = (kind: string, site: SiteRecord, s: HostingSettings): Step => ({
  kind,
  params: { site: site.name, ftpUsers: site.ftpUsers, ...s.ftp, suspendedDir: s.web.suspendedDir },
});

export function createSite(sites: SiteRecord[], settings: HostingSettings, input: SiteCreate, now = new Date()): Plan {
  const clash = sites.find((s) => siteKey(s.name) === siteKey(input.name));
  if (clash) {
    if (clash.name === input.name) invalid('name', msg('A site "{{site}}" already exists on this server'), { site: input.name });
    invalid('name', msg('Site name "{{site}}" clashes with the existing site "{{other}}" (their database prefixes would be the same)'), { site: input.name, other: clash.name });
  }
  const site: SiteRecord = { name: input.name, quotaMb: input.quotaMb, status: 'active', createdAt: now.toISOString(), ftpUsers: [], databases: [], domains: [], creations: [], tls: [], cron: [] };
  const plan: Plan = { steps: [{ kind: 'site.create', params: { site: input.name, quotaMb: input.quotaMb } }, logsStep(input.name, settings)], sites: [...sites, site], secrets: [] };
  const [domain, ...aliases] = input.domains ?? [];
  if (domain === undefined) return plan;
  const bound = bindDomain(plan.sites, settings, { site: input.name, domain, aliases });
  return { ...bound, steps: [...plan.steps, ...bound.steps], creates: (bound.creates ?? []).map((c) => ({ ...c, step: c.step + plan.steps.length })) };
}

export function setStatus(sites: SiteRecord[], settings: HostingSettings, name: string, status: SiteRecord['status']): Plan {
  const site = find(sites, name);
  return { steps: [statusStep(status === 'suspended' ? 'site.suspend' : 'site.unsuspend', site, settings), ...phpOnStatus(site, settings, status), ...cronOnStatus(site, settings, status)], sites: replace(sites, name, (s) => ({ ...s, status })), secrets: [] };
}

/** Everything of the site goes first (logins, databases, server blocks), then the account with its home. */
export function deleteSite(sites: SiteRecord[], settings: HostingSettings, name: string): Plan {
  const site = find(sites, name);
  return {
    steps: [
      ...site.ftpUsers.map((user) => ({ kind: 'ftp.delete', params: { site: name, user, ...settings.ftp } })),
      ...site.databases.map((db) => ({ kind: 'db.drop', params: { site: name, name: db.name, user: db.user, ...settings.mysql } })),
      ...site.domains.map((b) => ({ kind: 'domain.unbind', params: { site: name, domain: b.domain, vhostDir: settings.web.vhostDir, nginxConf: settings.web.nginxConf } })),
      ...phpOnDelete(site, settings),
      ...(site.tls.length > 0 ? [tlsForgetStep(name, settings)] : []),
      ...cronOnDelete(site, settings),
      logsRemoveStep(name, settings),
      { kind: 'site.delete', params: { site: name, suspendedDir: settings.web.suspendedDir } },
    ],
    sites: sites.filter((s) => s.name !== name),
    secrets: [],
  };
}

export function createFtp(sites: SiteRecord[], settings: HostingSettings, input: FtpCreate): Plan & { password: string } {
  const site = find(sites, input.site);
  const owner = sites.find((s) => s.ftpUsers.includes(input.user));
  if (owner) {
    if (owner.name === input.site) invalid('user', msg('The FTP login "{{user}}" already exists for this site'), { user: input.user });
    invalid('user', msg('The FTP login "{{user}}" is taken by the site "{{site}}"'), { user: input.user, site: owner.name });
  }
  // A login may carry its own site's name, never another site's (that is a Linux account here).
  if (input.user !== input.site && sites.some((s) => s.name === input.user)) invalid('user', msg('"{{user}}" is the Linux account of the site "{{user}}"; choose another name'), { user: input.user });
  const password = input.password ?? generatePassword();
  const ref = `ftp-${randomUUID()}`;
  const updated = replace(sites, input.site, (s) => ({ ...s, ftpUsers: [...s.ftpUsers, input.user].sort() }));
  const steps: Step[] = [{ kind: 'ftp.create', params: { site: input.site, user: input.user, ...(input.subdir === undefined ? {} : { subdir: input.subdir }), ...settings.ftp, passwordRef: ref } }];
  // A new login of a suspended site is refused like the others.
  if (site.status === 'suspended') steps.push(statusStep('site.suspend', find(updated, input.site), settings));
  return { steps, sites: updated, secrets: [{ ref, password }], password, creates: [{ step: 0, site: input.site, kind: 'ftp', name: input.user, ...(input.subdir === undefined ? {} : { subdir: input.subdir }) }] };
}

export function deleteFtp(sites: SiteRecord[], settings: HostingSettings, name: string, user: string): Plan {
  if (!find(sites, name).ftpUsers.includes(user)) throw AppError.worded('not-found', msg('No FTP login "{{user}}" for site "{{site}}" in Hostdeck\'s records.'), { user, site: name });
  return {
    steps: [{ kind: 'ftp.delete', params: { site: name, user, ...settings.ftp } }],
    sites: replace(sites, name, (s) => ({ ...s, ftpUsers: s.ftpUsers.filter((u) => u !== user) })),
    secrets: [],
  };
}

export function createDb(sites: SiteRecord[], settings: HostingSettings, input: DbCreate): Plan & { password: string } {
  find(sites, input.site);
  for (const s of sites) {
    for (const db of s.databases) {
      if (db.name === input.name && s.name === input.site) invalid('name', msg('The database "{{database}}" already exists for this site'), { database: input.name });
      if (db.name === input.name) invalid('name', msg('The database "{{database}}" already exists (site "{{site}}")'), { database: input.name, site: s.name });
      if (db.user === input.user) invalid('user', msg('The database user "{{user}}" already belongs to the database "{{database}}"'), { user: input.user, database: db.name });
    }
  }
  const password = input.password ?? generatePassword();
  const ref = `db-${randomUUID()}`;
  return {
    steps: [{ kind: 'db.create', params: { site: input.site, name: input.name, user: input.user, passwordRef: ref, ...settings.mysql } }],
    sites: replace(sites, input.site, (s) => ({ ...s, databases: [...s.databases, { name: input.name, user: input.user }].sort((a, b) => a.name.localeCompare(b.name)) })),
    secrets: [{ ref, password }],
    password,
    creates: [{ step: 0, site: input.site, kind: 'db', name: input.name }],
  };
}

function database(sites: SiteRecord[], site: string, name: string): { name: string; user: string } {
  const db = find(sites, site).databases.find((d) => d.name === name);
  if (!db) throw AppError.worded('not-found', msg('No database "{{database}}" for site "{{site}}" in Hostdeck\'s records.'), { database: name, site });
  return db;
}

export function setDbPassword(sites: SiteRecord[], settings: HostingSettings, site: string, name: string, given?: string): Plan & { password: string; user: string } {
  const db = database(sites, site, name);
  const password = given ?? generatePassword();
  const ref = `db-${randomUUID()}`;
  return { steps: [{ kind: 'db.password', params: { site, name, user: db.user, passwordRef: ref, ...settings.mysql } }], sites, secrets: [{ ref, password }], password, user: db.user };
}

export function dropDb(sites: SiteRecord[], settings: HostingSettings, site: string, name: string): Plan {
  const db = database(sites, site, name);
  return {
    steps: [{ kind: 'db.drop', params: { site, name, user: db.user, ...settings.mysql } }],
    sites: replace(sites, site, (s) => ({ ...s, databases: s.databases.filter((d) => d.name !== name) })),
    secrets: [],
  };
}

/** Binding a domain the site already has replaces its aliases. */
export function bindDomain(sites: SiteRecord[], settings: HostingSettings, input: DomainBind): Plan {
  const site = find(sites, input.site);
  const names = [input.domain, ...input.aliases];
  names.forEach((host, i) => {
    const by = servedBy(sites, host);
    if (by && !(by.site === input.site && by.domain === input.domain)) {
      const field = i === 0 ? 'domain' : 'aliases';
      if (by.domain === host) invalid(field, msg('{{host}} is already bound to the site "{{site}}"; unbind it there first'), { host, site: by.site });
      invalid(field, msg('{{host}} is already bound to the site "{{site}}" (as an alias of {{domain}}); unbind it there first'), { host, site: by.site, domain: by.domain });
    }
  });
  const binding = { domain: input.domain, aliases: input.aliases };
  return {
    steps: [{ kind: 'domain.bind', params: { site: input.site, domain: input.domain, aliases: input.aliases, ...settings.web, ...phpSocketParam(site, settings), ...logDirParam(input.site, settings), ...tlsParam(site, input.domain) } }],
    sites: replace(sites, input.site, (s) => ({ ...s, domains: [...s.domains.filter((b) => b.domain !== input.domain), binding].sort((a, b) => a.domain.localeCompare(b.domain)) })),
    secrets: [],
    // New aliases of a live domain are not its creation: if that task is cancelled, the server
    // still has the domain, which "forget" would leave behind unrecorded.
    creates: !site.domains.some((b) => b.domain === input.domain) || site.creations.some((c) => c.kind === 'domain' && c.name === input.domain) ? [{ step: 0, site: input.site, kind: 'domain', name: input.domain }] : [],
  };
}

export function unbindDomain(sites: SiteRecord[], settings: HostingSettings, site: string, domain: string): Plan {
  const record = find(sites, site);
  if (!record.domains.some((b) => b.domain === domain)) throw AppError.worded('not-found', msg('The domain "{{domain}}" is not bound to site "{{site}}" in Hostdeck\'s records.'), { domain, site });
  return {
    steps: [
      { kind: 'domain.unbind', params: { site, domain, vhostDir: settings.web.vhostDir, nginxConf: settings.web.nginxConf } },
      ...(record.tls.some((t) => t.domain === domain) ? [tlsForgetStep(site, settings, domain)] : []),
    ],
    sites: replace(sites, site, (s) => ({ ...s, domains: s.domains.filter((b) => b.domain !== domain), tls: s.tls.filter((t) => t.domain !== domain) })),
    secrets: [],
  };
}

function withoutItem(site: SiteRecord, item: { kind: ItemKind; name: string }): SiteRecord {
  return {
    ...site,
    ftpUsers: item.kind === 'ftp' ? site.ftpUsers.filter((u) => u !== item.name) : site.ftpUsers,
    databases: item.kind === 'db' ? site.databases.filter((d) => d.name !== item.name) : site.databases,
    domains: item.kind === 'domain' ? site.domains.filter((b) => b.domain !== item.name) : site.domains,
    creations: site.creations.filter((c) => !(c.kind === item.kind && c.name === item.name)),
  };
}

function hasItem(site: SiteRecord, item: { kind: ItemKind; name: string }): boolean {
  return item.kind === 'ftp' ? site.ftpUsers.includes(item.name) : item.kind === 'db' ? site.databases.some((d) => d.name === item.name) : site.domains.some((b) => b.domain === item.name);
}

// One template per kind and state (not the item's English label filled in), so each reads whole in the UI's language.
const NO_ITEM: Record<ItemKind, string> = {
  ftp: msg('No FTP login {{item}} for site "{{site}}" in Hostdeck\'s records.'),
  db: msg('No database {{item}} for site "{{site}}" in Hostdeck\'s records.'),
  domain: msg('No domain {{item}} for site "{{site}}" in Hostdeck\'s records.'),
};
const ITEM_NOT_AGAIN: Record<ItemKind, Record<Exclude<ItemState, 'not-applied'>, string>> = {
  ftp: {
    applied: msg('The FTP login {{item}} is applied on the server; only one whose task was skipped or cancelled can be applied again or forgotten.'),
    queued: msg('The FTP login {{item}} is still queued; only one whose task was skipped or cancelled can be applied again or forgotten.'),
    failed: msg('The FTP login {{item}} is waiting on its failed task in the queue; only one whose task was skipped or cancelled can be applied again or forgotten.'),
  },
  db: {
    applied: msg('The database {{item}} is applied on the server; only one whose task was skipped or cancelled can be applied again or forgotten.'),
    queued: msg('The database {{item}} is still queued; only one whose task was skipped or cancelled can be applied again or forgotten.'),
    failed: msg('The database {{item}} is waiting on its failed task in the queue; only one whose task was skipped or cancelled can be applied again or forgotten.'),
  },
  domain: {
    applied: msg('The domain {{item}} is applied on the server; only one whose task was skipped or cancelled can be applied again or forgotten.'),
    queued: msg('The domain {{item}} is still queued; only one whose task was skipped or cancelled can be applied again or forgotten.'),
    failed: msg('The domain {{item}} is waiting on its failed task in the queue; only one whose task was skipped or cancelled can be applied again or forgotten.'),
  },
};

/** The site's item, which must be not applied (its creating task skipped or cancelled). */
function notApplied(sites: SiteRecord[], name: string, item: SiteItem, tasks: readonly Task[]): { site: SiteRecord; creation: Creation } {
  const site = find(sites, name);
  if (!hasItem(site, item)) throw AppError.worded('not-found', NO_ITEM[item.kind], { item: item.name, site: name });
  const state = itemState(site, item.kind, item.name, tasks);
  if (state !== 'not-applied') throw AppError.worded('conflict', ITEM_NOT_AGAIN[item.kind][state], { item: item.name });
  return { site, creation: site.creations.find((c) => c.kind === item.kind && c.name === item.name)! };
}

/** The creating task of a not-applied item queued again, as its creation does (a login or database with a new password). */
export function applyAgain(sites: SiteRecord[], settings: HostingSettings, name: string, item: SiteItem, tasks: readonly Task[], password?: string): Plan & { password: string | null } {
  const { site, creation } = notApplied(sites, name, item, tasks);
  const others = replace(sites, name, (s) => withoutItem(s, item));
  switch (item.kind) {
    case 'ftp':
      return createFtp(others, settings, { site: name, user: item.name, ...(creation.subdir === undefined ? {} : { subdir: creation.subdir }), ...(password === undefined ? {} : { password }) });
    case 'db': {
      const user = site.databases.find((d) => d.name === item.name)!.user;
      return createDb(others, settings, { site: name, name: item.name, user, ...(password === undefined ? {} : { password }) });
    }
    case 'domain': {
      const aliases = site.domains.find((b) => b.domain === item.name)!.aliases;
      return { ...bindDomain(others, settings, { site: name, domain: item.name, aliases }), password: null };
    }
  }
}

/** A not-applied item leaves the records; no task (the server never got it). */
export function forget(sites: SiteRecord[], name: string, item: SiteItem, tasks: readonly Task[]): Plan {
  notApplied(sites, name, item, tasks);
  return { steps: [], sites: replace(sites, name, (s) => withoutItem(s, item)), secrets: [] };
}

/**
 * The records as the queue has them now: a creation whose task was skipped or cancelled is kept
 * as not applied; one whose task is done (or long gone from the queue) is dropped — the item is
 * live. Returns null when nothing changed.
 */
export function settle(sites: SiteRecord[], tasks: readonly Task[]): SiteRecord[] | null {
  const status = new Map(tasks.map((t) => [t.id, t.status]));
  let changed = false;
  const settled = sites.map((site) => {
    const creations = site.creations.flatMap((c): Creation[] => {
      if (c.notApplied) return [c];
      const now = status.get(c.taskId);
      if (now === 'skipped' || now === 'cancelled') { changed = true; return [{ ...c, notApplied: true }]; }
      if (now === undefined || now === 'done') { changed = true; return []; }
      return [c];
    });
    return { ...site, creations };
  });
  return changed ? settled : null;
}

/**
 * The records to keep after a plan was queued: each site's creations of items it no longer has
 * dropped, the plan's new items recorded with the ids of their tasks.
 */
export function recordCreations(plan: Plan, tasks: readonly Task[]): SiteRecord[] {
  return plan.sites.map((site) => {
    const fresh: Creation[] = (plan.creates ?? [])
      .filter((c) => c.site === site.name && tasks[c.step] !== undefined)
      .map((c) => ({ kind: c.kind, name: c.name, taskId: tasks[c.step]!.id, notApplied: false, ...(c.subdir === undefined ? {} : { subdir: c.subdir }) }));
    const kept = site.creations.filter((c) => hasItem(site, c) && !fresh.some((f) => f.kind === c.kind && f.name === c.name));
    return { ...site, creations: [...kept, ...fresh] };
  });
}

/** The plan of any change, for a preview (a typed password is not needed to show the commands). */
export function planOf(sites: SiteRecord[], settings: HostingSettings, change: HostingChange, tasks: readonly Task[]): Plan {
  switch (change.op) {
    case 'createSite': return createSite(sites, settings, change.input);
    case 'suspendSite': return setStatus(sites, settings, change.site, 'suspended');
    case 'unsuspendSite': return setStatus(sites, settings, change.site, 'active');
    case 'deleteSite': return deleteSite(sites, settings, change.site);
    case 'createFtp': return createFtp(sites, settings, change.input);
    case 'createDb': return createDb(sites, settings, change.input);
    case 'dropDb': return dropDb(sites, settings, change.site, change.name);
    case 'bindDomain': return bindDomain(sites, settings, change.input);
    case 'unbindDomain': return unbindDomain(sites, settings, change.site, change.domain);
    case 'applyAgain': return applyAgain(sites, settings, change.site, change.item, tasks);
    case 'setPhp': return setPhp(sites, find(sites, change.input.site), settings, change.input);
    case 'disablePhp': return disablePhp(sites, find(sites, change.site), settings);
    case 'setUpLogs': return setUpLogs(sites, settings, change.site);
    case 'setCronJob': return setCronJob(sites, find(sites, change.input.site), settings, change.input);
    case 'removeCronJob': return removeCronJob(sites, find(sites, change.site), settings, change.id);
  }
}
