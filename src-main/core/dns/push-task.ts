// The task that pushes zones to one nameserver (README "DNS"): the rendered
// zone files are uploaded over SFTP beside the live ones (content by hash: the journal holds no
// zone), each is checked with named-checkzone, and only when all pass are they renamed over the
// live files (atomic in one directory). Missing zone stanzas are added to the included config,
// checked with named-checkconf and put back as they were when it fails. Then `rndc reconfig`
// (new zones) and `rndc reload ZONE` — one `rndc reload` for a batch of many zones — and finally
// the nameserver is asked over DNS until it answers each zone's new serial: done means verified.
// Every value is validated again here and reaches the shell only through shQuote.
import pLimit from 'p-limit';
import { z } from 'zod';
import { NsSettings, ZoneName } from '../../../shared/dns';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { waitForSerial } from './query';

/** Above this many zones one `rndc reload` (every changed zone) beats a reload per zone. */
const RELOAD_ALL_ABOVE = 4;
const VERIFY_DEADLINE_MS = 15_000;

/** A nameserver's settings as its tasks carry them: the host to ask over DNS resolved. */
export const TaskNsSettings = NsSettings.extend({ queryHost: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:-]+$/) }).strict();

/** The zone stanza Hostdeck keeps for $z in $dir, as a shell assignment (one line per zone in the zones config). */
export const STANZA_LINE = 'line="zone \\"$z\\" { type primary; file \\"$dir/db.$z\\"; };"';

const PushParams = z
  .object({
    zones: z
      .array(z.object({ zone: ZoneName, serial: z.number().int().min(0).max(0xffffffff), blob: z.string().regex(/^[0-9a-f]{64}$/) }).strict())
      .min(1)
      .max(10_000),
    settings: TaskNsSettings,
  })
  .strict();
type PushParams = z.infer<typeof PushParams>;

const TEMP_SUFFIX = '.hostdeck-new';

export function zoneFile(dir: string, zone: string): string {
  return `${dir}/db.${zone}`;
}

function pushLines(raw: PushParams): string[] {
  const p = PushParams.parse(raw);
  const s = p.settings;
  const zones = p.zones.map((z) => shQuote(z.zone)).join(' ');
  const rndc = s.rndcConf ? `rndc -c ${shQuote(s.rndcConf)}` : 'rndc';
  return [
    `dir=${shQuote(s.zoneDir)}; zones_conf=${shQuote(s.zonesConf)}; named_conf=${shQuote(s.namedConf)}`,
    `set -- ${zones}`,
    'bad=0',
    `for z in "$@"; do if ! out=$(named-checkzone "$z" "$dir/db.$z${TEMP_SUFFIX}" 2>&1); then printf 'named-checkzone rejected %s (the live zone file is unchanged):\\n%s\\n' "$z" "$out" >&2; bad=1; fi; done`,
    `if [ "$bad" = 1 ]; then for z in "$@"; do rm -f "$dir/db.$z${TEMP_SUFFIX}"; done; exit 2; fi`,
    `for z in "$@"; do mv -f "$dir/db.$z${TEMP_SUFFIX}" "$dir/db.$z" || exit $?; done`,
    'echo "checked and installed: $*"',
    'new=0; bak="$zones_conf.hostdeck-bak"',
    'if [ -e "$zones_conf" ]; then cp -p "$zones_conf" "$bak" || exit $?; else : > "$bak" || exit $?; fi',
    `for z in "$@"; do ${STANZA_LINE}; if ! grep -qxF "$line" "$zones_conf" 2>/dev/null; then printf '%s\\n' "$line" >> "$zones_conf" || exit $?; new=1; fi; done`,
    `if [ "$new" = 1 ] && ! out=$(named-checkconf "$named_conf" 2>&1); then cp -p "$bak" "$zones_conf"; rm -f "$bak"; printf 'named-checkconf failed; %s is back as it was:\\n%s\\n' "$zones_conf" "$out" >&2; exit 3; fi`,
    'rm -f "$bak"',
    `if [ "$new" = 1 ]; then if ! out=$(${rndc} reconfig 2>&1); then printf 'rndc reconfig failed: %s\\n' "$out" >&2; exit 4; fi; echo "rndc reconfig: new zones loaded"; fi`,
    `if [ "$#" -gt ${RELOAD_ALL_ABOVE} ]; then if ! out=$(${rndc} reload 2>&1); then printf 'rndc reload failed: %s\\n' "$out" >&2; exit 4; fi; echo "rndc reload: $out";`,
    `else for z in "$@"; do if ! out=$(${rndc} reload "$z" 2>&1); then printf 'rndc reload %s failed: %s\\n' "$z" "$out" >&2; exit 4; fi; echo "rndc reload $z: $out"; done; fi`,
  ];
}

registerTaskKind('dns.push', {
  params: PushParams,
  title: (p) => (p.zones.length === 1 ? `Push zone ${p.zones[0]!.zone} (serial ${p.zones[0]!.serial})` : `Push ${p.zones.length} zones`),
  commands: (p) => [...p.zones.map((z) => `sftp put → ${zoneFile(p.settings.zoneDir, z.zone)}${TEMP_SUFFIX}`), ...pushLines(p), `query SOA at ${p.settings.queryHost}:${p.settings.queryPort} until each zone answers its new serial`],
  uploads: (p) => p.zones.map((z) => ({ path: `${zoneFile(p.settings.zoneDir, z.zone)}${TEMP_SUFFIX}`, blob: z.blob, mode: 0o644 })),
  script: (p) => `${pushLines(p).join('\n')}\n`,
  verify: async (p) => {
    const started = Date.now();
    const limit = pLimit(32);
    const { queryHost, queryPort } = p.settings;
    await Promise.all(p.zones.map((z) => limit(() => waitForSerial(queryHost, queryPort, z.zone, z.serial, VERIFY_DEADLINE_MS))));
    const what = p.zones.length === 1 ? `serial ${p.zones[0]!.serial} for ${p.zones[0]!.zone}` : `the new serials of ${p.zones.length} zones`;
    return `verified: ${queryHost}:${queryPort} answers ${what} (${Date.now() - started} ms)`;
  },
});
