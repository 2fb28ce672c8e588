// A long database job (export, import) as the dialogs see it: start it with a fresh job id,
// follow its db.progress events, cancel it, keep its result or error.
import { useEffect, useRef, useState } from 'react';
import type { EventPayload } from '../../shared/events';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';

export function useJob<R>() {
  const [jobId, setJobId] = useState<string | null>(null);
  const [progress, setProgress] = useState<EventPayload<'db.progress'> | null>(null);
  const [result, setResult] = useState<R | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const current = useRef<string | null>(null);

  useEffect(() => client.on('db.progress', (p) => p.jobId === current.current && setProgress(p)), []);

  async function start(run: (jobId: string) => Promise<R>, failure: string): Promise<void> {
    const id = crypto.randomUUID();
    current.current = id;
    setJobId(id);
    setProgress(null);
    setResult(null);
    setError(null);
    try {
      setResult(await run(id));
    } catch (e) {
      setError(e instanceof AppError ? e : new AppError('internal', failure));
    } finally {
      current.current = null;
      setJobId(null);
    }
  }

  const cancel = () => {
    if (jobId) void client.call('db.cancelJob', { jobId });
  };

  return { jobId, progress, result, error, start, cancel };
}
