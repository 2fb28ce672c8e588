// tls.issue: a certificate ordered from the ACME CA and installed on the server, in one task.
// The order runs on this workstation inside the task's script step (Hostdeck is the ACME
// client): the CSR is derived from the certificate's key (held in the keychain as the task's
// secret since it was queued), the challenges are answered (HTTP-01 by the server-wide answer
// acme.http01 installed before; DNS-01 by TXT records pushed to the zone's nameservers and
// verified there first), the order is finalized and the chain downloaded. Only then does the
// script exist: the install lines (tls-install.ts) with the chain in them and the key on stdin.
// When the CA refuses, the task fails with the CA's words and the queue stops.
import { z } from 'zod';
import { AcmeSettings, CertName, Challenge, DirectoryUrl, isWildcard, baseName } from '../../../shared/acme';
import { AppError, msg, type Said } from '../../../shared/errors';
import { Domain, SiteName } from '../../../shared/hosting';
import { KeyPem } from '../../../shared/tls';
import { TlsInstallParams, tlsInstallLines } from '../hosting/tls-install';
import { registerTaskKind, type SecretSource } from '../queue/kinds';
import type { AcmeAccounts } from './account';
import { acmeLib } from './client-lib';
import type { Dns01 } from './dns01';
import { answersChallenge } from './names';

export const KeyRef = z.string().regex(/^acme-[0-9a-f-]{36}$/, 'Bad secret reference');

export const IssueParams = z
  .object({
    site: SiteName,
    domain: Domain,
    names: z.array(CertName).min(1).max(100),
    challenge: Challenge,
    /** The CA the task was queued for: the HTTP-01 answer before it carries that account's thumbprint. */
    directoryUrl: DirectoryUrl,
    keyRef: KeyRef,
    /** Everything the install needs but the chain (which the order gives). */
    install: TlsInstallParams.omit({ chainPem: true }),
  })
  .strict();
export type IssueParams = z.infer<typeof IssueParams>;

/** Shown in place of the chain in the commands (it exists only once the CA has issued it). */
const CHAIN_PLACEHOLDER = '-----BEGIN CERTIFICATE-----\nSXNzdWVkQnlUaGVDQQ==\n-----END CERTIFICATE-----\n';

export type IssueDeps = { settings(): AcmeSettings; accounts: AcmeAccounts; dns01: Dns01 };

function orderLines(p: IssueParams): string[] {
  return [
    `# on this workstation: ACME order at ${p.directoryUrl} for ${p.names.join(', ')} (${p.challenge}); the key is made here and goes to the server on stdin only`,
    ...(p.challenge === 'dns-01' ? [`# DNS-01: TXT records _acme-challenge.<name> pushed to the zone's nameservers, answered by each before the CA is asked, removed after`] : []),
    '# then, with the chain the CA issued (shown here as a placeholder):',
  ];
}

/** `refusal`: what the CA refused, as a whole template (marked msg()) ending in the CA's {{message}}. */
function caError(error: unknown, refusal: string, params: Said['params']): AppError {
  const message = error instanceof Error ? error.message : String(error);
  return AppError.worded('refused', refusal, { ...params, message });
}

async function step<T>(refusal: string, params: Said['params'], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw caError(error, refusal, params);
  }
}

async function order(p: IssueParams, secrets: SecretSource, deps: IssueDeps): Promise<string> {
  const settings = deps.settings();
  if (settings.directoryUrl !== p.directoryUrl) {
    throw AppError.worded('conflict', msg('The ACME directory changed since this task was queued ({{queued}} → {{now}}); skip it and issue again.'), { queued: p.directoryUrl, now: settings.directoryUrl });
  }
  const keyPem = await secrets(p.keyRef);
  const client = await step(msg('The CA refused the account: {{message}}'), {}, () => deps.accounts.client(settings));
  const commonName = p.names.includes(p.domain) ? p.domain : p.names.find((n) => !isWildcard(n)) ?? p.names[0]!;
  const [, csr] = await (await acmeLib()).crypto.createCsr({ commonName, altNames: p.names }, keyPem);
  const placed = await step(msg('The CA refused the order: {{message}}'), {}, async () => {
    const o = await client.createOrder({ identifiers: p.names.map((value) => ({ type: 'dns', value })) });
    const authzs = (await client.getAuthorizations(o)).filter((a) => a.status !== 'valid');
    const challenges = authzs.map((a) => {
      const c = a.challenges.find((x) => x.type === p.challenge);
      const name = `${a.wildcard ? '*.' : ''}${a.identifier.value}`;
      if (!c) throw AppError.worded('refused', msg('The CA offers no {{challenge}} challenge for {{name}} (it offers {{offered}}).'), { challenge: p.challenge, name, offered: a.challenges.map((x) => x.type).join(', ') });
      return { authz: a, challenge: c, name };
    });
    return { o, challenges };
  });
  let published: Awaited<ReturnType<Dns01['publish']>> = [];
  try {
    if (p.challenge === 'dns-01' && placed.challenges.length > 0) {
      const txt = await Promise.all(placed.challenges.map(async (c) => ({ name: baseName(c.name), value: await client.getChallengeKeyAuthorization(c.challenge) })));
      published = await deps.dns01.publish(txt);
    }
    if (p.challenge === 'http-01') {
      const port = Number(p.install.listen.slice(p.install.listen.lastIndexOf(':') + 1));
      const checks = await Promise.all(placed.challenges.map(async (c) => answersChallenge(c.name, settings.resolver, port, c.challenge.token, await client.getChallengeKeyAuthorization(c.challenge))));
      const wrong = checks.filter((c) => !c.ok);
      if (wrong.length > 0) throw AppError.worded('conflict', msg('Not sent to the CA (a failed validation counts against its limits): {{problems}}.'), { problems: wrong.map((w) => w.detail).join('; ') });
    }
    for (const c of placed.challenges) {
      await step(msg('The CA refused the {{challenge}} validation of {{name}}: {{message}}'), { challenge: p.challenge, name: c.name }, async () => {
        await client.completeChallenge(c.challenge);
        await client.waitForValidStatus(c.challenge);
      });
    }
  } finally {
    if (published.length > 0) await deps.dns01.remove(published);
  }
  const finalized = await step(msg('The CA refused to finalize the order: {{message}}'), {}, async () => client.waitForValidStatus(await client.finalizeOrder(placed.o, csr)));
  const chain = await step(msg('The CA refused the certificate download: {{message}}'), {}, () => client.getCertificate(finalized));
  return `${chain.replace(/\r\n?/g, '\n').trim()}\n`;
}

export function registerIssueKind(deps: IssueDeps): void {
  registerTaskKind('tls.issue', {
    params: IssueParams,
    title: (p) => `Issue a certificate for ${p.names.join(', ')} (${p.challenge}) and install it for ${p.domain} of site ${p.site}`,
    commands: (p) => [...orderLines(p), ...tlsInstallLines({ ...p.install, chainPem: CHAIN_PLACEHOLDER })],
    script: async (p, secrets) => `${tlsInstallLines({ ...p.install, chainPem: await order(p, secrets, deps) }).join('\n')}\n`,
    stdin: async (p, secrets) => secrets(p.keyRef),
    secret: { ref: (p) => p.keyRef, value: KeyPem },
  });
}
