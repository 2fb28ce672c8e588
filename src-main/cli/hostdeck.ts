// `hostdeck`: the command line over the core (no Electron, no renderer).
import { main } from './program';

await main(process.argv);
// A connection or timer left open must not keep a finished command running.
setTimeout(() => process.exit(), 2000).unref();
