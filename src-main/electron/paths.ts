// Where the built pieces of the app sit at run time. Kept in one place because every path here
// depends on the same fact: this module is bundled into dist/electron/main.cjs, so __dirname is
// dist/electron whichever source file the code came from.
import path from 'node:path';

// main.cjs, preload.cjs and core-process.mjs sit side by side in dist/electron; the renderer is
// in dist/renderer (inside app.asar once packaged: fs and utilityProcess read from it).
const ELECTRON_DIR = __dirname;
export const RENDERER_DIR = path.resolve(ELECTRON_DIR, '..', 'renderer');
export const PRELOAD = path.join(ELECTRON_DIR, 'preload.cjs');
export const CORE_ENTRY = path.join(ELECTRON_DIR, 'core-process.mjs');
