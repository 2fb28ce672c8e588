// Which tasks a login may answer (retry, skip, cancel). The one rule today: a team's dns login
// answers DNS tasks only. The core applies it to every answer and tells the window per task
// (queue.list's `unanswerable`); the team database's trigger holds it whatever the client
// (team/roles.ts, from the same kinds).
import type { TeamRole } from '../../../shared/api/team-admin';
import type { Task } from '../../../shared/queue';

/** The task kinds a team's dns role may queue and answer: pushing and removing zones. */
export const DNS_TASK_KINDS = ['dns.push', 'dns.remove'] as const;

export function mayAnswer(role: TeamRole | null, task: Pick<Task, 'kind'>): boolean {
  return role !== 'dns' || (DNS_TASK_KINDS as readonly string[]).includes(task.kind);
}
