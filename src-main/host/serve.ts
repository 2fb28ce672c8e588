// `npm run serve`: browser mode. Starts the core and the host, prints the URL with the token.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createCore } from '../core/core';
import { defaultDataDir } from '../core/paths';
import { closeOnSignals, startHost } from './server';

const { values } = parseArgs({
  options: { port: { type: 'string' }, 'data-dir': { type: 'string' } },
  allowPositionals: false,
});
const port = values.port ? Number(values.port) : Number(process.env.HOSTDECK_PORT ?? 0);
const dataDir = values['data-dir'] ? path.resolve(values['data-dir']) : defaultDataDir();
const staticDir = fileURLToPath(new URL('../renderer', import.meta.url));

const core = await createCore({ dataDir });
const host = await startHost({ core, staticDir, port });
console.log(`Hostdeck is running in browser mode. Open this URL (it carries this run's token):\n  ${host.url}`);
console.log(`Data: ${dataDir}. Stop with Ctrl+C.`);
closeOnSignals(host, core);
