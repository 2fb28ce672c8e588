// Where the queue keeps its journals and who may run a server's queue: files in the data folder
// (solo mode: journal.ts, lock.ts) or the team database (team/queue-backend.ts). The service
// sees only these interfaces.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Task } from '../../../shared/queue';
import { Journal, type JournalEvent } from './journal';
import { QueueLock } from './lock';

export interface QueueJournal {
  readonly serverId: string;
  /** The state as the service sees it: every event read, plus this process's own not yet confirmed. */
  readonly tasks: ReadonlyMap<string, Task>;
  ordered(): Task[];
  /** Takes in what arrived since the last call; returns the tasks that changed. */
  catchUp(): Task[];
  /** Appends events; they show in `tasks` at once (a file: durable already). */
  append(events: JournalEvent[]): void;
  /** Resolves once everything appended so far is durable and `tasks` is the shared order's replay of it. */
  flushed(): Promise<void>;
  needsCompaction(): boolean;
  compact(): void;
}

/** The right to run one server's queue: at most one holder across every process sharing the queue. */
export interface RunnerLock {
  tryAcquire(): Promise<boolean>;
  /** Whether this holder still has it (checked before each task). */
  stillMine(): Promise<boolean>;
  release(): void;
}

export interface QueueBackend {
  journal(serverId: string): QueueJournal;
  lock(serverId: string, owner: string): RunnerLock;
  /** Servers that have a journal. */
  serverIds(): string[];
  /** Who runs this server's queue elsewhere (a workstation's name), when known. */
  runner(serverId: string): string | null;
  /** Called with a server's id when its journal gained events from elsewhere (between polls). */
  onChange(listener: (serverId: string) => void): void;
}

const FILE = /^([0-9a-f-]{36})\.jsonl$/;

class FileJournal extends Journal implements QueueJournal {
  override append(events: JournalEvent[]): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    super.append(events);
  }
}

class FileRunnerLock implements RunnerLock {
  private readonly lock: QueueLock;

  constructor(file: string, owner: string) {
    this.lock = new QueueLock(file, owner);
  }

  async tryAcquire(): Promise<boolean> {
    return this.lock.tryAcquire();
  }

  async stillMine(): Promise<boolean> {
    return this.lock.stillMine();
  }

  release(): void {
    this.lock.release();
  }
}

/** Solo mode: <dir>/<serverId>.jsonl and <dir>/<serverId>.lock. */
export function fileQueueBackend(dir: string): QueueBackend {
  return {
    journal: (serverId) => new FileJournal(path.join(dir, `${serverId}.jsonl`), serverId),
    lock: (serverId, owner) => new FileRunnerLock(path.join(dir, `${serverId}.lock`), owner),
    serverIds: () => {
      try {
        return readdirSync(dir).flatMap((name) => FILE.exec(name)?.[1] ?? []);
      } catch {
        return []; // no queue yet
      }
    },
    runner: () => null,
    onChange: () => undefined,
  };
}
