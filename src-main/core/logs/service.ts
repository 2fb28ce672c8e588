// A site's and a server's logs: the list (one command), search and download (one command each,
// run on the server), and live tails (tail.ts). Paths come only from the catalog.
import { DOWNLOAD_LINES_MAX, type LogInfo, type LogSettings } from '../../../shared/api/logs';
import type { HostingSettings, SiteRecord } from '../../../shared/api/hosting';
import { AppError, msg } from '../../../shared/errors';
import type { ConnectionManager } from '../ssh/connections';
import { exec } from '../ssh/connect';
import { logSettings } from '../hosting/log-plans';
import { listScript, parseList, resolveLog, serverCandidates, siteLogs, type LogSource } from './catalog';
import { grepScript, parseHits, rangeScript } from './search';
import { LINE_MAX, type TailService } from './tail';

export type HostingState = (serverId: string) => { sites: SiteRecord[]; settings: HostingSettings };

/** How long a search or download may run on the server. */
const SEARCH_TIMEOUT_MS = 60_000;

export class LogService {
  constructor(
    private readonly connections: ConnectionManager,
    private readonly hosting: HostingState,
    readonly tails: TailService,
  ) {}

  async list(serverId: string, site?: string): Promise<{ logs: LogInfo[]; settings: LogSettings }> {
    const { settings } = this.state(serverId, site);
    const sources = site === undefined ? serverCandidates() : siteLogs(settings, site);
    const out = await this.run(serverId, listScript(sources, site === undefined), msg('Listing the logs failed on the server.'));
    return { logs: parseList(out, sources, site === undefined), settings: logSettings(settings) };
  }

  source(serverId: string, site: string | undefined, id: string): LogSource {
    return resolveLog(this.state(serverId, site).settings, site, id);
  }

  async follow(serverId: string, site: string | undefined, id: string, backlog: number, owner: string | null): Promise<{ tailId: string; path: string }> {
    const source = this.source(serverId, site, id);
    return { tailId: await this.tails.follow(serverId, source, backlog, owner), path: source.path };
  }

  async search(serverId: string, site: string | undefined, id: string, text: string, limit: number) {
    const source = this.source(serverId, site, id);
    const hits = parseHits(await this.run(serverId, grepScript(source, text, limit, true), msg('The search failed on the server.')), LINE_MAX);
    return { hits: hits.slice(0, limit), truncated: hits.length > limit };
  }

  async download(serverId: string, site: string | undefined, id: string, part: { text?: string; from?: number; to?: number }) {
    const source = this.source(serverId, site, id);
    const script = part.text !== undefined ? grepScript(source, part.text, DOWNLOAD_LINES_MAX, false) : rangeScript(source, part.from ?? 1, part.to ?? 1);
    const out = await this.run(serverId, script, msg('The download failed on the server.'));
    const lines = out.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const truncated = lines.length > DOWNLOAD_LINES_MAX;
    const kept = truncated ? lines.slice(0, DOWNLOAD_LINES_MAX) : lines;
    const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '');
    const what = part.text !== undefined ? 'matching' : `lines-${part.from}-${part.to}`;
    return { name: `${site ?? 'server'}-${id}-${what}-${stamp}.log`, text: kept.length ? `${kept.join('\n')}\n` : '', lines: kept.length, truncated };
  }

  private state(serverId: string, site: string | undefined): { settings: HostingSettings } {
    const state = this.hosting(serverId);
    if (site !== undefined && !state.sites.some((s) => s.name === site)) throw AppError.worded('not-found', msg('No site "{{site}}" on this server in Hostdeck\'s records.'), { site });
    return state;
  }

  /** `failed`: the sentence shown when the script fails. */
  private async run(serverId: string, script: string, failed: string): Promise<string> {
    const lease = await this.connections.acquire(serverId);
    try {
      const result = await exec(await lease.ready(), script, SEARCH_TIMEOUT_MS);
      if (result.code !== 0) throw new AppError('ssh', failed, { details: result.stderr.slice(-2000) });
      return result.stdout;
    } finally {
      lease.release();
    }
  }
}
