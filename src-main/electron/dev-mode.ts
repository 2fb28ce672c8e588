// Development means running unpackaged (npm start). Only then does the shell offer devtools and
// reload; one definition so the window and the menu cannot disagree about it.
import { app } from 'electron';

export const isDev = !app.isPackaged;
