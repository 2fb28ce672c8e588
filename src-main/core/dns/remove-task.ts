// The task that takes a zone off one nameserver: its stanza (dynamic, or static as earlier
// versions wrote it) leaves the included config (checked with named-checkconf, put back as it was
// when that fails), `rndc reconfig` drops the zone, its file and journal go, and the nameserver
// is asked over DNS until it no longer serves the zone: done means verified. Values are
// validated again here and reach the shell only through shQuote.
import { z } from 'zod';
import { ZoneName } from '../../../shared/dns';
import { registerTaskKind } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { STANZA_LINE, STATIC_STANZA_LINE, TaskNsSettings } from './push-task';
import { waitUntilNotServed } from './query';

const VERIFY_DEADLINE_MS = 15_000;

const RemoveParams = z.object({ zone: ZoneName, settings: TaskNsSettings }).strict();
type RemoveParams = z.infer<typeof RemoveParams>;

function removeLines(raw: RemoveParams): string[] {
  const p = RemoveParams.parse(raw);
  const s = p.settings;
  const rndc = s.rndcConf ? `rndc -c ${shQuote(s.rndcConf)}` : 'rndc';
  return [
    `dir=${shQuote(s.zoneDir)}; zones_conf=${shQuote(s.zonesConf)}; named_conf=${shQuote(s.namedConf)}; z=${shQuote(p.zone)}`,
    STANZA_LINE,
    STATIC_STANZA_LINE,
    'if [ -e "$zones_conf" ] && grep -qxF -e "$line" -e "$static_line" "$zones_conf"; then',
    '  bak="$zones_conf.hostdeck-bak"; cp -p "$zones_conf" "$bak" || exit $?',
    '  { grep -vxF -e "$line" -e "$static_line" "$bak" || true; } > "$zones_conf.hostdeck-new" && mv -f "$zones_conf.hostdeck-new" "$zones_conf" || exit $?',
    `  if ! out=$(named-checkconf "$named_conf" 2>&1); then cp -p "$bak" "$zones_conf"; rm -f "$bak"; printf 'named-checkconf failed; %s is back as it was:\\n%s\\n' "$zones_conf" "$out" >&2; exit 3; fi`,
    '  rm -f "$bak"',
    `  if ! out=$(${rndc} reconfig 2>&1); then printf 'rndc reconfig failed: %s\\n' "$out" >&2; exit 4; fi`,
    '  echo "zone $z: stanza removed from $zones_conf, rndc reconfig"',
    'else echo "zone $z: no stanza in $zones_conf"; fi',
    'rm -f "$dir/db.$z" "$dir/db.$z.jnl" || exit $?',
    'echo "zone $z: file $dir/db.$z removed"',
  ];
}

registerTaskKind('dns.remove', {
  params: RemoveParams,
  title: (p) => `Remove zone ${p.zone}`,
  commands: (p) => [...removeLines(p), `query SOA at ${p.settings.queryHost}:${p.settings.queryPort} until ${p.zone} is no longer served`],
  script: (p) => `${removeLines(p).join('\n')}\n`,
  verify: async (p) => {
    const started = Date.now();
    await waitUntilNotServed(p.settings.queryHost, p.settings.queryPort, p.zone, VERIFY_DEADLINE_MS);
    return `verified: ${p.settings.queryHost}:${p.settings.queryPort} no longer serves ${p.zone} (${Date.now() - started} ms)`;
  },
});
