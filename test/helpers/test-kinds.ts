// Task kinds that exist only for the tests and benches of the queue itself: the product ships
// none of them (test/unit/queue-contract.test.ts checks that src-* registers no kind of test/).
// Importing this module registers them into the core of this process; tests queue them with
// `core.queue.enqueue` (the contract has no generic enqueue).
import { z } from 'zod';
import { registerTaskKind } from '../../src-main/core/queue/kinds';
import { shQuote } from '../../src-main/core/ssh/sh-quote';

/** An absolute path of plain segments: letters, digits, `._-`, no `..`, no leading `-` in a segment. */
const SafePath = z
  .string()
  .max(255, 'At most 255 characters')
  .regex(/^(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,63})+$/, 'An absolute path of letters, digits, ".", "_" and "-"')
  .refine((p) => !p.split('/').includes('..'), 'No ".." segments');

/** One line of printable text (no control characters, no newline). */
const SafeLine = z
  .string()
  .min(1, 'Required')
  .max(1000, 'At most 1000 characters')
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'Printable characters only, on one line');

registerTaskKind('ensure-line', {
  params: z.object({ path: SafePath, line: SafeLine }).strict(),
  title: (p) => `Ensure a line in ${p.path}`,
  commands: (p) => [`grep -qxF -- ${shQuote(p.line)} ${shQuote(p.path)} 2>/dev/null || printf '%s\\n' ${shQuote(p.line)} >> ${shQuote(p.path)}`],
  script: (p) => `grep -qxF -- ${shQuote(p.line)} ${shQuote(p.path)} 2>/dev/null || printf '%s\\n' ${shQuote(p.line)} >> ${shQuote(p.path)}\n`,
});

registerTaskKind('fail-unless-file', {
  params: z.object({ path: SafePath }).strict(),
  title: (p) => `Check that ${p.path} exists`,
  commands: (p) => [`test -e ${shQuote(p.path)}`],
  script: (p) => `if test -e ${shQuote(p.path)}; then echo "present: "${shQuote(p.path)}; else echo "missing: "${shQuote(p.path)} >&2; exit 1; fi\n`,
});
