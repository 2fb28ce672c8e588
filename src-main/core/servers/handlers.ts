// The inventory's part of the contract: servers, first connection, host keys, ssh config import.
import type { serversApi } from '../../../shared/api/servers';
import type { Server } from '../../../shared/domain';
import { AppError } from '../../../shared/errors';
import type { HandlersFor } from '../dispatch';
import type { Inventory } from '../inventory/service';
import { candidatesFrom, defaultSshConfigPath, readSshConfig } from '../inventory/ssh-config-import';
import { expandHome } from '../paths';
import type { ConnectionTester } from './connection-test';

export function serverHandlers(inventory: Inventory, tester: ConnectionTester, home: string): HandlersFor<typeof serversApi> {
  const sshConfigPath = (p?: string) => expandHome(p ?? defaultSshConfigPath(home), home);
  const existingNames = async () => new Set((await inventory.list()).map((s) => s.name.toLowerCase()));

  return {
    'servers.list': () => inventory.list(),
    'servers.add': (input) => inventory.add(input),
    'servers.update': ({ id, server, clearSecret, baseVersion }) => inventory.update(id, server, clearSecret, baseVersion),
    'servers.remove': async ({ id }) => {
      await inventory.remove(id);
      return { ok: true as const };
    },
    'servers.test': ({ id }) => tester.test(id),
    'servers.trustHostKey': async ({ id, fingerprint }) => {
      await tester.trust(id, fingerprint);
      return { ok: true as const };
    },
    'servers.forgetHostKey': async ({ id }) => {
      await tester.forget(id);
      return { ok: true as const };
    },
    'sshConfig.preview': async ({ path }) => {
      const file = sshConfigPath(path);
      return { path: file, candidates: candidatesFrom(await readSshConfig(file), home, await existingNames()).map((c) => c.candidate) };
    },
    'sshConfig.import': async ({ path, aliases }) => {
      const all = candidatesFrom(await readSshConfig(sshConfigPath(path)), home, await existingNames());
      const added: Server[] = [];
      const skipped: { alias: string; reason: string }[] = [];
      let pending = aliases.flatMap((alias) => {
        const found = all.find((c) => c.candidate.alias === alias);
        if (!found?.input) skipped.push({ alias, reason: found ? (found.candidate.problem ?? 'Not valid') : 'Not in the SSH config' });
        return found?.input ? [{ alias, input: found.input, jump: found.candidate.proxyJump?.toLowerCase() ?? null }] : [];
      });
      // Passes until nothing moves: a server is added once its jump host (if any) is in.
      for (let progress = true; progress && pending.length > 0; ) {
        progress = false;
        const byName = new Map((await inventory.list()).map((s) => [s.name.toLowerCase(), s.id]));
        const waiting = [];
        for (const item of pending) {
          const jumpHostId = item.jump ? byName.get(item.jump) : null;
          if (jumpHostId === undefined) {
            waiting.push(item);
            continue;
          }
          progress = true;
          try {
            added.push(await inventory.add({ ...item.input, jumpHostId }));
          } catch (error) {
            skipped.push({ alias: item.alias, reason: error instanceof AppError ? (Object.values(error.fields ?? {})[0] ?? error.message) : 'Could not be added' });
          }
        }
        pending = waiting;
      }
      for (const item of pending) skipped.push({ alias: item.alias, reason: `Its jump host ${item.jump} is not in the inventory; import it too` });
      return { added, skipped };
    },
  };
}
