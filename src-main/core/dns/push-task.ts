// The task that pushes zones to one nameserver (README "DNS"). A zone the nameserver holds exactly
// as pushed last goes as a dynamic update (update.ts), one message per zone sent by the core
// itself over the server's connection to named there (update-send.ts), which named checks as it
// checks a zone file (syntax, and integrity: it refuses an in-zone NS or MX target without an
// address) and applies atomically or not at all. Any other zone goes whole: its rendered file is
// uploaded beside the live one (content by hash: the journal holds no zone; inside the task's
// run or over SFTP) — for a zone named would not take in place, only then, in the
// task's follow-up step — and checked with named-checkzone; nothing changes unless all pass. Its
// stanza (dynamic, `update-policy local`) is added to the included config or replaces the static
// one of earlier versions, checked with named-checkconf and put back when that fails, `rndc
// reconfig` loads new zones, and a live zone is frozen, its file renamed over and its journal
// dropped, then thawed (named reloads it). Finally the nameserver is asked over DNS until it
// answers each zone's new serial: done means verified. Every value is validated again here and
// reaches the shell only through shQuote.
import pLimit from 'p-limit';
import { z } from 'zod';
import { NsSettings, ZoneName } from '../../../shared/dns';
import { FOLLOW_UP_EXIT, registerTaskKind, type NativeIo, type TaskUpload } from '../queue/kinds';
import { shQuote } from '../ssh/sh-quote';
import { waitForSerial } from './query';
import { sendUpdate } from './update-send';

const VERIFY_DEADLINE_MS = 15_000;

/** A nameserver's settings as its tasks carry them: the host to ask over DNS resolved. */
export const TaskNsSettings = NsSettings.extend({ queryHost: z.string().min(1).max(253).regex(/^[A-Za-z0-9.:-]+$/) }).strict();

/** The zone stanza Hostdeck keeps for $z in $dir, as a shell assignment (one line per zone in the zones config). */
export const STANZA_LINE = 'line="zone \\"$z\\" { type primary; file \\"$dir/db.$z\\"; update-policy local; };"';
/** The static stanza earlier versions wrote; a push turns it into STANZA_LINE. */
export const STATIC_STANZA_LINE = 'static_line="zone \\"$z\\" { type primary; file \\"$dir/db.$z\\"; };"';

const PushParams = z
  .object({
    zones: z
      .array(z.object({ zone: ZoneName, serial: z.number().int().min(0).max(0xffffffff), blob: z.string().regex(/^[0-9a-f]{64}$/), inPlace: z.boolean().optional() }).strict())
      .min(1)
      .max(10_000),
    /** nsupdate's input for the zones marked inPlace (update.ts). */
    update: z.string().regex(/^[0-9a-f]{64}$/).optional(),
    settings: TaskNsSettings,
  })
  .strict();
type PushParams = z.infer<typeof PushParams>;

const TEMP_SUFFIX = '.hostdeck-new';

export function zoneFile(dir: string, zone: string): string {
  return `${dir}/db.${zone}`;
}

/**
 * The in-place zones sent as a dynamic update by the core itself (update-send.ts); as shell
 * assignments for the script, those named applied ($inc) and those that go whole ($late).
 */
async function sendInPlace(p: PushParams, io: NativeIo): Promise<{ stdout: string; script: string }> {
  const inPlace = p.zones.filter((z) => z.inPlace).map((z) => z.zone);
  if (!p.update || inPlace.length === 0) return { stdout: '', script: "inc=''; late=''\n" };
  const text = (await io.blob(p.update)).toString('utf8');
  const sent = await sendUpdate(io.client, io.shell, { namedConf: p.settings.namedConf, queryPort: p.settings.queryPort }, text, inPlace);
  const applied = new Set(sent.applied);
  const inc = inPlace.filter((z) => applied.has(z));
  const reasons = new Map(sent.refused.map((r) => [r.zone, r.reason]));
  const late = inPlace.filter((z) => !applied.has(z));
  const lines = late.map((z) => `${z}: not updated in place (${(reasons.get(z) ?? 'not in the update').slice(0, 200)}); the whole zone goes\n`);
  if (inc.length > 0) lines.push(`updated in place (dynamic update): ${inc.join(' ')}\n`);
  return { stdout: lines.join(''), script: `inc=${shQuote(inc.join(' '))}; late=${shQuote(late.length ? ` ${late.join(' ')}` : '')}\n` };
}

function header(s: PushParams['settings']): string {
  return `dir=${shQuote(s.zoneDir)}; zones_conf=${shQuote(s.zonesConf)}; named_conf=${shQuote(s.namedConf)}`;
}

/** The whole-zone steps for the zones in $full (their files uploaded beside the live ones). */
function wholeLines(s: PushParams['settings']): string[] {
  const rndc = s.rndcConf ? `rndc -c ${shQuote(s.rndcConf)}` : 'rndc';
  return [
    'set -- $full',
    'if [ "$#" -gt 0 ]; then',
    '  bad=0',
    `  for z in "$@"; do if ! out=$(named-checkzone "$z" "$dir/db.$z${TEMP_SUFFIX}" 2>&1); then printf 'named-checkzone rejected %s (the live zone is unchanged):\\n%s\\n' "$z" "$out" >&2; bad=1; fi; done`,
    `  if [ "$bad" = 1 ]; then for z in "$@"; do rm -f "$dir/db.$z${TEMP_SUFFIX}"; done; exit 2; fi`,
    '  echo "checked: $*"',
    '  live=\'\'; changed=0; bak="$zones_conf.hostdeck-bak"',
    '  if [ -e "$zones_conf" ]; then cp -p "$zones_conf" "$bak" || exit $?; else : > "$bak" || exit $?; fi',
    `  for z in "$@"; do ${STANZA_LINE}; ${STATIC_STANZA_LINE}`,
    '    if grep -qxF "$line" "$zones_conf" 2>/dev/null; then live="$live $z"',
    `    elif grep -qxF "$static_line" "$zones_conf" 2>/dev/null; then A="$static_line" B="$line" awk '$0 == ENVIRON["A"] { print ENVIRON["B"]; next } { print }' "$zones_conf" > "$zones_conf${TEMP_SUFFIX}" && mv -f "$zones_conf${TEMP_SUFFIX}" "$zones_conf" || exit $?; live="$live $z"; changed=1`,
    `    else mv -f "$dir/db.$z${TEMP_SUFFIX}" "$dir/db.$z" || exit $?; printf '%s\\n' "$line" >> "$zones_conf" || exit $?; changed=1; fi`,
    '  done',
    `  if [ "$changed" = 1 ] && ! out=$(named-checkconf "$named_conf" 2>&1); then cp -p "$bak" "$zones_conf"; rm -f "$bak"; printf 'named-checkconf failed; %s is back as it was:\\n%s\\n' "$zones_conf" "$out" >&2; exit 3; fi`,
    '  rm -f "$bak"',
    `  if [ "$changed" = 1 ]; then if ! out=$(${rndc} reconfig 2>&1); then printf 'rndc reconfig failed: %s\\n' "$out" >&2; exit 4; fi; echo "rndc reconfig: zone stanzas added or made dynamic"; fi`,
    '  for z in $live; do',
    // freeze writes the updates in the journal to the zone file in the background: wait until it has
    // (the file newer than the journal), or named's copy lands over ours and thaw loads that.
    `    if ${rndc} freeze "$z" >/dev/null 2>&1; then n=0; while [ -e "$dir/db.$z.jnl" ] && [ -n "$(find "$dir/db.$z.jnl" -newer "$dir/db.$z" 2>/dev/null)" ] && [ "$n" -lt 500 ]; do sleep 0.01; n=$((n+1)); done; mv -f "$dir/db.$z${TEMP_SUFFIX}" "$dir/db.$z" && rm -f "$dir/db.$z.jnl" || exit $?; verb=thaw; else mv -f "$dir/db.$z${TEMP_SUFFIX}" "$dir/db.$z" || exit $?; verb=reload; fi`,
    `    if ! out=$(${rndc} "$verb" "$z" 2>&1); then printf 'rndc %s %s failed: %s\\n' "$verb" "$z" "$out" >&2; exit 4; fi`,
    '  done',
    '  echo "installed whole: $*"',
    'fi',
  ];
}

const WHOLE_MARK = 'whole zones to send:';

function pushLines(raw: PushParams): string[] {
  const p = PushParams.parse(raw);
  const whole = p.update ? p.zones.filter((z) => !z.inPlace) : p.zones;
  return [
    header(p.settings),
    `full=${shQuote(whole.map((z) => z.zone).join(' '))}`,
    ...wholeLines(p.settings),
    // Zones named would not take in place: their files go now, then the whole-zone steps (followUp).
    `if [ -n "$late" ]; then echo "${WHOLE_MARK}$late"; exit ${FOLLOW_UP_EXIT}; fi`,
  ];
}

/** The in-place zones the script asked to send whole, checked against the task's own. */
function lateZones(p: PushParams, stdout: string): PushParams['zones'] {
  const line = stdout.split('\n').find((l) => l.startsWith(WHOLE_MARK)) ?? '';
  const named = new Set(line.slice(WHOLE_MARK.length).trim().split(/\s+/));
  return p.zones.filter((z) => z.inPlace && named.has(z.zone));
}

const upload = (p: PushParams, z: PushParams['zones'][number]): TaskUpload => ({ path: `${zoneFile(p.settings.zoneDir, z.zone)}${TEMP_SUFFIX}`, blob: z.blob, mode: 0o644 });

registerTaskKind('dns.push', {
  params: PushParams,
  title: (p) => (p.zones.length === 1 ? `Push zone ${p.zones[0]!.zone} (serial ${p.zones[0]!.serial})` : `Push ${p.zones.length} zones`),
  commands: (p) => [
    ...p.zones.filter((z) => !p.update || !z.inPlace).map((z) => `sftp put → ${zoneFile(p.settings.zoneDir, z.zone)}${TEMP_SUFFIX}`),
    ...(p.update ? [`the dynamic update of ${p.zones.filter((z) => z.inPlace).length} zones, signed with named's session key, sent to 127.0.0.1:${p.settings.queryPort} on the server over this connection; the zones named does not apply go whole`] : []),
    ...pushLines(p),
    ...(p.update ? ['for the zones named would not take in place: sftp put each zone file, then the whole-zone steps above for them'] : []),
    `query SOA at ${p.settings.queryHost}:${p.settings.queryPort} until each zone answers its new serial`,
  ],
  uploads: (p) => p.zones.filter((z) => !p.update || !z.inPlace).map((z) => upload(p, z)),
  native: sendInPlace,
  script: (p) => `${pushLines(p).join('\n')}\n`,
  followUp: (raw, stdout) => {
    const p = PushParams.parse(raw);
    const late = lateZones(p, stdout);
    return { uploads: late.map((z) => upload(p, z)), script: `${[header(p.settings), `full=${shQuote(late.map((z) => z.zone).join(' '))}`, ...wholeLines(p.settings)].join('\n')}\n` };
  },
  verify: async (p) => {
    const started = Date.now();
    const limit = pLimit(32);
    const { queryHost, queryPort } = p.settings;
    await Promise.all(p.zones.map((z) => limit(() => waitForSerial(queryHost, queryPort, z.zone, z.serial, VERIFY_DEADLINE_MS))));
    const what = p.zones.length === 1 ? `serial ${p.zones[0]!.serial} for ${p.zones[0]!.zone}` : `the new serials of ${p.zones.length} zones`;
    return `verified: ${queryHost}:${queryPort} answers ${what} (${Date.now() - started} ms)`;
  },
});
