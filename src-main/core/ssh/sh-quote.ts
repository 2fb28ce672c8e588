// Quoting for POSIX sh: the only way a value reaches a command on a server.
import { AppError, msg } from '../../../shared/errors';

/**
 * POSIX shell single-quoting: the value becomes one word, with nothing expanded ($, `, \, ",
 * globs, newlines all literal). A ' is written as '\'' (close, escaped quote, reopen).
 * NUL cannot be passed in a command line at all, so it is refused.
 * Meant for POSIX shells (sh, dash, bash, zsh) — not for csh/fish login shells.
 */
export function shQuote(value: string): string {
  if (typeof value !== 'string') throw new AppError('invalid-input', msg('Only text can be quoted for the shell'));
  if (value.includes('\u0000')) throw new AppError('invalid-input', msg('A value sent to the shell must not contain a NUL character'));
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Several words, each quoted, joined by spaces: shJoin(['mkdir', '-p', dir]). */
export function shJoin(words: readonly string[]): string {
  return words.map(shQuote).join(' ');
}
