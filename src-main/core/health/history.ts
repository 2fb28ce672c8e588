// The history of status changes: the last KEEP in memory, appended to a JSON-lines file in the
// data directory so that it survives a restart (server ids, names, statuses and one-sentence
// reasons only: never a secret). The file is rewritten with the last KEEP once it holds twice
// as many lines, so it stays small without a rewrite per change.
import { appendFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HealthChange } from '../../../shared/api/health';

const KEEP = 500;

export class HealthHistory {
  private readonly file: string;
  private entries: HealthChange[] = [];
  private lines = 0;

  constructor(
    dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.file = path.join(dataDir, 'health-history.jsonl');
    let text = '';
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return; // no history yet
    }
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      this.lines++;
      // A line cut short by a crash, or edited by hand, is skipped rather than fatal.
      try {
        const parsed = HealthChange.safeParse(JSON.parse(line));
        if (parsed.success) this.entries.push(parsed.data);
      } catch {
        /* skipped */
      }
    }
    this.entries = this.entries.slice(-KEEP);
  }

  /** Oldest first. */
  recent(limit = KEEP): HealthChange[] {
    return this.entries.slice(-limit);
  }

  /** Each server's status after its last recorded change (where the previous run left it). */
  lastStatuses(): Map<string, HealthChange['to']> {
    return new Map(this.entries.map((e) => [e.serverId, e.to]));
  }

  add(change: HealthChange): void {
    this.entries.push(change);
    if (this.entries.length > KEEP) this.entries.shift();
    try {
      if (++this.lines > 2 * KEEP) {
        writeFileSync(`${this.file}.tmp`, this.entries.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 });
        renameSync(`${this.file}.tmp`, this.file);
        this.lines = this.entries.length;
      } else appendFileSync(this.file, `${JSON.stringify(change)}\n`, { mode: 0o600 });
    } catch (error) {
      // The history on screen stays right; only its copy on disk lags.
      this.log(`[hostdeck] health history not saved: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
