// Task kinds of HTTPS besides the ACME issue: an uploaded certificate installed (its key from
// the task's secret, on stdin), HTTPS removed from a domain (server block without it, then the
// files), and the files of a domain or a whole site removed after their server block went.
import { z } from 'zod';
import { FtpPath, type HostingSettings } from '../../../shared/api/hosting';
import { Domain, SiteName } from '../../../shared/hosting';
import { KeyPem } from '../../../shared/tls';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { SECRET_MASK } from '../../../shared/queue';
import { assertSafe } from './quote';
import { TlsInstallParams, tlsInstallLines } from './tls-install';
import { bindLines, BindParams, tlsPaths } from './vhost-tasks';
import type { Step } from './plans';

export const TlsKeyRef = z.string().regex(/^tls-[0-9a-f-]{36}$/, 'Bad secret reference');
const InstallParams = TlsInstallParams.extend({ keyRef: TlsKeyRef }).strict();
type InstallParams = z.infer<typeof InstallParams>;
const RemoveParams = BindParams.omit({ tls: true }).strict();
type RemoveParams = z.infer<typeof RemoveParams>;
const ForgetParams = z.object({ site: SiteName, tlsDir: FtpPath, domain: Domain.optional() }).strict();
type ForgetParams = z.infer<typeof ForgetParams>;

const installLines = ({ keyRef: _, ...p }: InstallParams) => tlsInstallLines(p);

registerTaskKind('tls.install', {
  params: InstallParams,
  title: (p) => `Install the certificate of ${p.domain} (site ${p.site})`,
  commands: (p) => [`# stdin: the private key (${SECRET_MASK}; never on a command line)`, ...installLines(p)],
  script: (p) => `${installLines(p).join('\n')}\n`,
  stdin: async (p, secrets) => secrets(p.keyRef),
  secret: { ref: (p) => p.keyRef, value: KeyPem },
});

function removeLines(p: RemoveParams): string[] {
  const paths = tlsPaths(assertSafe(FtpPath, p.tlsDir, 'tlsDir'), assertSafe(SiteName, p.site, 'site'), assertSafe(Domain, p.domain, 'domain'));
  return [...bindLines(p), `rm -f ${shQuote(paths.crt)} ${shQuote(paths.key)}`, `echo "HTTPS off: certificate and key of ${p.domain} removed"`];
}

registerTaskKind('tls.remove', {
  params: RemoveParams,
  title: (p) => `Remove HTTPS from ${p.domain} (site ${p.site})`,
  commands: removeLines,
  script: (p) => `${removeLines(p).join('\n')}\n`,
});

function forgetLines(p: ForgetParams): string[] {
  const site = assertSafe(SiteName, p.site, 'site');
  const tlsDir = assertSafe(FtpPath, p.tlsDir, 'tlsDir');
  if (p.domain === undefined) return [`rm -rf ${shQuote(tlsPaths(tlsDir, site, 'x').dir)}`, `echo "certificates of site ${site} removed"`];
  const paths = tlsPaths(tlsDir, site, assertSafe(Domain, p.domain, 'domain'));
  return [`rm -f ${shQuote(paths.crt)} ${shQuote(paths.key)}`, `echo "certificate and key of ${p.domain} removed"`];
}

registerTaskKind('tls.forget', {
  params: ForgetParams,
  title: (p) => (p.domain ? `Remove the certificate of ${p.domain} (site ${p.site})` : `Remove the certificates of site ${p.site}`),
  commands: forgetLines,
  script: (p) => `${forgetLines(p).join('\n')}\n`,
});

/** After a server block went: the domain's certificate and key, or (no domain) every certificate of the site. */
export function tlsForgetStep(site: string, settings: HostingSettings, domain?: string): Step {
  return { kind: 'tls.forget', params: { site, tlsDir: settings.web.tlsDir, ...(domain === undefined ? {} : { domain }) } };
}
