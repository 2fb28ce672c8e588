// The contract: every method the UI may call, with its input and output schemas, one file per
// area. The core validates every input against these before doing any work.
import type { z } from 'zod';
import { acmeApi } from './acme';
import { appApi } from './app';
import { backupsApi } from './backups';
import { cronApi } from './cron';
import { deployApi } from './deploy';
import { deployTemplatesApi } from './deploy-templates';
import { dnsApi } from './dns';
import { driftApi } from './drift';
import { filesApi } from './files';
import { fleetApi } from './fleet';
import { dbAuditApi, dbBrowseApi, dbQueryApi, dbServerApi, dbTransferApi, dbTreeApi } from './db';
import { teamAdminApi } from './team-admin';
import { healthApi } from './health';
import { hostingApi } from './hosting';
import { logsApi } from './logs';
import { queueApi } from './queue';
import { teamApi } from './team';
import { prepareApi } from './prepare';
import { serversApi } from './servers';
import { sshApi } from './ssh';
import { terminalApi } from './terminal';
import { tlsApi } from './tls';

export { ConnectionTestResult } from './servers';

export const api = { ...appApi, ...serversApi, ...sshApi, ...terminalApi, ...healthApi, ...dbTreeApi, ...dbBrowseApi, ...dbQueryApi, ...dbTransferApi, ...dbServerApi, ...dbAuditApi, ...queueApi, ...hostingApi, ...cronApi, ...dnsApi, ...acmeApi, ...tlsApi, ...logsApi, ...backupsApi, ...filesApi, ...prepareApi, ...deployApi, ...deployTemplatesApi, ...driftApi, ...fleetApi, ...teamAdminApi, ...teamApi } as const;

export type Api = typeof api;
export type Method = keyof Api;
export type Input<M extends Method> = z.input<Api[M]['input']>;
export type Output<M extends Method> = z.output<Api[M]['output']>;

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(api, name);
}
