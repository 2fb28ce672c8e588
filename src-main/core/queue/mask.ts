// A task's output is kept and shown only with every secret the task used replaced by
// SECRET_MASK, like its commands: tools echo what they were given (the mysql client quotes a
// failing statement as it was sent, so the password appears SQL-escaped), and a script may
// print a value sh-quoted or as JSON. Masked before the output is cut to its tail, so a cut can
// never leave part of a secret.
import mysql from 'mysql2';
import { SECRET_MASK } from '../../../shared/queue';

/** The forms a secret can take in a task's output: as itself, SQL-escaped, inside sh single quotes, JSON-escaped. */
export function secretForms(secret: string): string[] {
  const forms = [secret, mysql.escape(secret).slice(1, -1), secret.replaceAll("'", `'\\''`), JSON.stringify(secret).slice(1, -1)];
  return [...new Set(forms)].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text;
  const forms = [...new Set(secrets.flatMap(secretForms))].sort((a, b) => b.length - a.length);
  let out = text;
  for (const form of forms) out = out.replaceAll(form, SECRET_MASK);
  return out;
}
