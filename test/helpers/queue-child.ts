// A Hostdeck core in a process of its own, for tests that kill the app with kill -9: reads one
// job as JSON on stdin (passwords never on a command line), queues a failing task first (so the
// queue stops and everything after it waits), makes the job's calls, prints "QUEUED" and waits
// to be killed. Its keychain is the one the app would open (the test run's gnome-keyring).
import './test-kinds';
import { createCore } from '../../src-main/core/core';

type Job = { dataDir: string; home: string; serverId: string; failPath: string; calls: { method: string; input: unknown }[] };

let text = '';
for await (const chunk of process.stdin) text += String(chunk);
const job = JSON.parse(text) as Job;
const core = await createCore({ dataDir: job.dataDir, homeDir: job.home, log: () => undefined });
const info = await core.call('app.info', {});
core.queue.enqueue(job.serverId, 'fail-unless-file', { path: job.failPath });
for (const { method, input } of job.calls) {
  const result = await core.call(method, input);
  if (!result.ok) {
    process.stderr.write(`${method}: ${result.error.message}\n`);
    process.exit(1);
  }
}
process.stdout.write(`QUEUED ${JSON.stringify({ keychain: info.ok ? (info.output as { keychain: string }).keychain : null })}\n`);
setInterval(() => undefined, 60_000);
