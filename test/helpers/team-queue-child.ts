// A Hostdeck core in team mode in a process of its own, for the team queue test that kills it
// with kill -9: reads one job as JSON on stdin (the team password never on a command line),
// queues the job's tasks, prints "READY" and runs until killed.
import './test-kinds';
import { createCore } from '../../src-main/core/core';
import { memoryKeychain } from '../../src-main/core/secrets/keychain';

type Job = { dataDir: string; home: string; account: string; password: string; steps: { serverId: string; path: string; line: string }[] };

let text = '';
for await (const chunk of process.stdin) text += String(chunk);
const job = JSON.parse(text) as Job;
const keychain = memoryKeychain('test');
await keychain.set(job.account, job.password);
const core = await createCore({ dataDir: job.dataDir, homeDir: job.home, keychain, log: (line) => process.stderr.write(`${line}\n`), background: false });
for (const { serverId, path, line } of job.steps) core.queue.enqueue(serverId, 'ensure-line', { path, line });
process.stdout.write('READY\n');
setInterval(() => undefined, 60_000);
