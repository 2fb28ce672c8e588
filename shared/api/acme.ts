// ACME's part of the contract: the CA and how names are checked (settings), the check that each
// name reaches the server before anything is asked of the CA, and issuing a certificate for a
// bound domain of a site (tasks on the server's queue: the stateless HTTP-01 answer when needed,
// then the order, validation and install). The account key never crosses the contract.
import { z } from 'zod';
import { AcmeSettings, CertName, Challenge } from '../acme';
import { ServerId } from '../domain';
import { Domain, SiteName } from '../hosting';
import { Task } from '../queue';

export const NameCheck = z.object({
  name: z.string(),
  ok: z.boolean(),
  /** What was found, in one sentence (where it resolves, what answered, which zone holds it). */
  detail: z.string(),
  addresses: z.array(z.string()),
});
export type NameCheck = z.infer<typeof NameCheck>;

const Names = z
  .array(CertName)
  .min(1, 'At least one name')
  .max(100, 'At most 100 names')
  .refine((list) => new Set(list).size === list.length, 'Names must not repeat');

const Target = { serverId: ServerId, site: SiteName, domain: Domain };

export const IssueInput = z
  .object({
    ...Target,
    /** The names the certificate covers; default: the domain and its aliases. Each must be the domain, an alias, or `*.` one of them. */
    names: Names.optional(),
    challenge: Challenge,
    /** Forwarded to the install: plain HTTP redirects to HTTPS; Strict-Transport-Security. */
    redirect: z.boolean(),
    hsts: z.boolean(),
    /** Names that fail the check are left out of the order (else the issue is refused, nothing queued). */
    dropFailing: z.boolean().default(false),
  })
  .strict();
export type IssueInput = z.input<typeof IssueInput>;

const PreviewTask = z.object({ kind: z.string(), title: z.string(), commands: z.array(z.string()) });

export const acmeApi = {
  'acme.settings': {
    input: z.object({}).strict(),
    output: z.object({ settings: AcmeSettings }),
  },
  'acme.setSettings': {
    input: AcmeSettings,
    output: z.object({ settings: AcmeSettings }),
  },
  /** Does each name reach this server (HTTP-01), or is its zone held by Hostdeck (DNS-01)? Nothing is asked of the CA. */
  'acme.checkNames': {
    input: z.object({ ...Target, names: Names, challenge: Challenge }).strict(),
    output: z.object({ results: z.array(NameCheck) }),
  },
  /** The tasks acme.issue would queue (exact commands); nothing is queued. */
  'acme.preview': {
    input: IssueInput,
    output: z.object({ tasks: z.array(PreviewTask), names: z.array(z.string()), dropped: z.array(NameCheck) }),
  },
  /** Checks the names, makes the certificate's key (held in the keychain for its task only) and queues the issue. */
  'acme.issue': {
    input: IssueInput,
    output: z.object({ tasks: z.array(Task), names: z.array(z.string()), dropped: z.array(NameCheck) }),
  },
} as const;
