// The inventory's part of the contract: servers, first connection, host keys, ssh config import.
import type { serversApi } from '../../../shared/api/servers';
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
    'servers.update': ({ id, server, clearSecret }) => inventory.update(id, server, clearSecret),
    'servers.remove': async ({ id }) => {
      await inventory.remove(id);
      return { ok: true as const };
    },
    'servers.test': ({ id }) => tester.test(id),
    'servers.trustHostKey': async ({ id, fingerprint }) => {
      tester.trust(id, fingerprint);
      return { ok: true as const };
    },
    'servers.forgetHostKey': async ({ id }) => {
      tester.forget(id);
      return { ok: true as const };
    },
    'sshConfig.preview': async ({ path }) => {
      const file = sshConfigPath(path);
      return { path: file, candidates: candidatesFrom(await readSshConfig(file), home, await existingNames()).map((c) => c.candidate) };
    },
    'sshConfig.import': async ({ path, aliases }) => {
      const all = candidatesFrom(await readSshConfig(sshConfigPath(path)), home, await existingNames());
      const added = [];
      const skipped = [];
      for (const alias of aliases) {
        const found = all.find((c) => c.candidate.alias === alias);
        if (!found) skipped.push({ alias, reason: 'Not in the SSH config' });
        else if (!found.input) skipped.push({ alias, reason: found.candidate.problem ?? 'Not valid' });
        else {
          try {
            added.push(await inventory.add(found.input));
          } catch (error) {
            skipped.push({ alias, reason: error instanceof AppError ? (Object.values(error.fields ?? {})[0] ?? error.message) : 'Could not be added' });
          }
        }
      }
      return { added, skipped };
    },
  };
}
