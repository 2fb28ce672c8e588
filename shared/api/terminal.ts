// Terminals: interactive shells on a server's shared SSH connection, shown with xterm.js.
// Output arrives as terminal.data events; the window acknowledges what it has rendered
// (terminal.ack), and the core stops reading the channel while too much is unacknowledged:
// end-to-end flow control, so a flood cannot outrun the screen or grow memory.
import { z } from 'zod';
import { ServerId } from '../domain';
import { ok } from './common';

/** Most characters one terminal.write carries (a larger paste is sent in pieces). */
export const TERMINAL_WRITE_MAX = 64 * 1024;

export const TerminalId = z.string().uuid('Unknown terminal');
const Cols = z.number().int('Columns must be a whole number').min(2, 'At least 2 columns').max(1000, 'At most 1000 columns');
const Rows = z.number().int('Rows must be a whole number').min(1, 'At least 1 row').max(1000, 'At most 1000 rows');
const Size = { cols: Cols, rows: Rows };

/** 'connecting' is the window's own until terminal.open answers; the core reports the others. */
export const TerminalState = z.enum(['connecting', 'open', 'reconnecting', 'closed']);
export type TerminalState = z.infer<typeof TerminalState>;

export const terminalApi = {
  /** Opens a shell (xterm-256color pty of this size); resolves once it runs. */
  'terminal.open': { input: z.object({ serverId: ServerId, ...Size }).strict(), output: z.object({ terminalId: TerminalId }) },
  /** Keystrokes or pasted text, sent as they are to the shell. */
  'terminal.write': {
    input: z.object({ terminalId: TerminalId, data: z.string().min(1).max(TERMINAL_WRITE_MAX, `At most ${TERMINAL_WRITE_MAX} characters per write`) }).strict(),
    output: ok,
  },
  /** The window changed size: the shell gets a window-change. */
  'terminal.resize': { input: z.object({ terminalId: TerminalId, ...Size }).strict(), output: ok },
  /** How many characters (UTF-16 code units, as in terminal.data) the window has rendered. */
  'terminal.ack': { input: z.object({ terminalId: TerminalId, chars: z.number().int().min(1).max(16 * 1024 * 1024) }).strict(), output: ok },
  'terminal.close': { input: z.object({ terminalId: TerminalId }).strict(), output: ok },
} as const;
