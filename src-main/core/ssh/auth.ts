// Chooses and feeds ssh2's authentication methods for one server: the configured method first,
// then, when the server reports partial success (AuthenticationMethods publickey,password),
// the second factor it asks for. Missing answers are asked in the UI; nothing is guessed.
import type { AuthHandlerMiddleware, AuthenticationType, KeyboardInteractiveAuthMethod } from 'ssh2';
import { AppError, msg } from '../../../shared/errors';
import type { StoredServer } from '../inventory/store';
import { readPrivateKey } from './keys';
import type { PromptBroker } from './prompts';

export type AuthSecrets = {
  /** The stored password (password method) or key passphrase (key-passphrase method). */
  primary(): Promise<string | null>;
  /** A stored second-factor password (servers requiring key AND password). */
  secondPassword(): Promise<string | null>;
  rememberPrimary(value: string): Promise<void>;
  rememberSecondPassword(value: string): Promise<void>;
};

export type AuthAttempt = {
  handler: AuthHandlerMiddleware;
  /** Methods tried so far, for the error message when all fail. */
  tried: AuthenticationType[];
  /** Set when a method could not even be attempted (cancelled prompt, wrong passphrase…). */
  failure(): AppError | null;
  /** The connection sets this: a cancelled prompt ends the handshake at once instead of
   * letting the server ask again until its MaxAuthTries. */
  onAbort(abort: () => void): void;
};

const PRIMARY: Record<StoredServer['auth']['method'], AuthenticationType[]> = {
  key: ['publickey'],
  'key-passphrase': ['publickey'],
  agent: ['agent'],
  // Many servers ask for the password through keyboard-interactive (PAM): answer it there too.
  password: ['password', 'keyboard-interactive'],
  'keyboard-interactive': ['keyboard-interactive'],
};

export function authFor(server: Pick<StoredServer, 'id' | 'host' | 'user' | 'auth'> & { displayName: string }, keyPath: string | null, secrets: AuthSecrets, prompts: Pick<PromptBroker, 'ask'>): AuthAttempt {
  const tried: AuthenticationType[] = [];
  const attempted = new Set<AuthenticationType>();
  let failure: AppError | null = null;
  let abort = () => undefined as void;
  const username = server.user;
  const ask = (title: string, prompt: string, canRemember: boolean) =>
    prompts.ask({ serverId: server.id, serverName: server.displayName, title, instructions: '', prompts: [{ prompt, echo: false }], canRemember });

  async function password(partial: boolean): Promise<string> {
    const primary = !partial && server.auth.method === 'password';
    const stored = primary ? await secrets.primary() : await secrets.secondPassword();
    if (stored) return stored;
    const answer = await ask(`Password for ${username}@${server.host}`, 'Password:', true);
    if (answer.remember) await (primary ? secrets.rememberPrimary(answer.answers[0]!) : secrets.rememberSecondPassword(answer.answers[0]!));
    return answer.answers[0]!;
  }

  async function publickey(): Promise<{ key: Buffer; passphrase?: string }> {
    if (!keyPath) throw new AppError('key-file', msg('No key file is configured for this server.'));
    if (server.auth.method !== 'key-passphrase') return { key: await readPrivateKey(keyPath, null) };
    let passphrase = await secrets.primary();
    let remember = false;
    if (!passphrase) {
      const answer = await ask(`Unlock the key for ${server.displayName}`, `Passphrase for ${keyPath}:`, true);
      passphrase = answer.answers[0]!;
      remember = answer.remember;
    }
    const key = await readPrivateKey(keyPath, passphrase);
    if (remember) await secrets.rememberPrimary(passphrase);
    return { key, passphrase };
  }

  function keyboardInteractive(): KeyboardInteractiveAuthMethod {
    let usedStored = false;
    return {
      type: 'keyboard-interactive',
      username,
      prompt: (name, instructions, _lang, questions, finish) => {
        if (questions.length === 0) return finish([]);
        void (async () => {
          // A lone hidden "Password:" question is the stored password, once.
          if (server.auth.method === 'password' && !usedStored && questions.length === 1 && !questions[0]!.echo && /password/i.test(questions[0]!.prompt)) {
            const stored = await secrets.primary();
            if (stored) {
              usedStored = true;
              return finish([stored]);
            }
          }
          const answer = await prompts.ask({
            serverId: server.id,
            serverName: server.displayName,
            title: name || `Login to ${server.displayName}`,
            instructions,
            prompts: questions.map((q) => ({ prompt: q.prompt, echo: q.echo ?? false })),
            canRemember: false,
          });
          finish(answer.answers);
        })().catch((error: unknown) => {
          failure = error instanceof AppError ? error : new AppError('auth-failed', msg('The login prompt failed.'));
          abort();
        });
      },
    };
  }

  const handler: AuthHandlerMiddleware = (methodsLeft, partialSuccess, next) => {
    if (failure) return next(false as unknown as AuthenticationType);
    const allowed = (m: AuthenticationType) => !methodsLeft || methodsLeft.includes(m);
    const order: AuthenticationType[] = partialSuccess ? [...PRIMARY[server.auth.method], 'password', 'keyboard-interactive'] : PRIMARY[server.auth.method];
    const method = order.find((m) => !attempted.has(m) && allowed(m));
    if (!method) return next(false as unknown as AuthenticationType);
    attempted.add(method);
    tried.push(method);
    const build = async () => {
      switch (method) {
        case 'publickey':
          return { type: 'publickey' as const, username, ...(await publickey()) };
        case 'agent':
          if (!process.env.SSH_AUTH_SOCK) throw new AppError('auth-failed', msg('No ssh-agent is running (SSH_AUTH_SOCK is not set); start one and add your key.'));
          return { type: 'agent' as const, username, agent: process.env.SSH_AUTH_SOCK };
        case 'password':
          return { type: 'password' as const, username, password: await password(partialSuccess === true) };
        default:
          return keyboardInteractive();
      }
    };
    build().then(next, (error: unknown) => {
      failure = error instanceof AppError ? error : new AppError('auth-failed', msg('Authentication could not be attempted.'));
      next(false as unknown as AuthenticationType);
    });
  };

  return {
    handler,
    tried,
    failure: () => failure,
    onAbort: (fn) => {
      abort = fn;
    },
  };
}

/** A fixed key login with no prompts (benchmarks, tooling). */
export function keyOnlyAuth(username: string, key: Buffer): AuthAttempt {
  const tried: AuthenticationType[] = [];
  let used = false;
  return {
    tried,
    failure: () => null,
    onAbort: () => undefined,
    handler: (_left, _partial, next) => {
      if (used) return next(false as unknown as AuthenticationType);
      used = true;
      tried.push('publickey');
      next({ type: 'publickey', username, key });
    },
  };
}
