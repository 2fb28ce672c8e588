// Zone files: deterministic rendering (sorted, absolute names, TXT split into <= 255-byte quoted
// strings with " and \ escaped), the parser (and render -> parse round trips), serials, plans.
import { describe, expect, it } from 'vitest';
import type { DnsRecord, RecordType, Zone } from '../../shared/dns';
import { parseZoneFile } from '../../src-main/core/dns/parse';
import { planZone } from '../../src-main/core/dns/plan';
import { renderZone } from '../../src-main/core/dns/render';
import { dateBase, nextSerial } from '../../src-main/core/dns/serial';

const rec = (name: string, type: RecordType, value: string, ttl = 300): DnsRecord => ({ name, type, ttl, value });
const SOA = { primary: 'ns1.example.com.', email: 'hostmaster.example.com.', refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
const NS = rec('@', 'NS', 'ns1.example.com.');
const zone = (records: DnsRecord[]): Zone => ({ name: 'example.com', ttl: 300, soa: SOA, records: [NS, ...records] });

describe('render', () => {
  it('is deterministic whatever the order of the records', () => {
    const rs = [rec('www', 'A', '192.0.2.1'), rec('@', 'MX', '10 mail.example.com.'), rec('mail', 'A', '192.0.2.2'), rec('@', 'A', '192.0.2.3')];
    const a = renderZone(zone(rs), 2026112201);
    expect(renderZone(zone([...rs].reverse()), 2026112201)).toBe(a);
    expect(a).toBe(`; example.com: written by Hostdeck, serial 2026112201; edits here are replaced by the next push
$ORIGIN example.com.
$TTL 300
example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2026112201 3600 600 86400 300
example.com. 300 IN A 192.0.2.3
example.com. 300 IN MX 10 mail.example.com.
example.com. 300 IN NS ns1.example.com.
mail.example.com. 300 IN A 192.0.2.2
www.example.com. 300 IN A 192.0.2.1
`);
  });
  it('splits TXT into 255-byte strings and escapes quotes and backslashes', () => {
    const text = `${'a'.repeat(254)}"${'b'.repeat(10)}\\`;
    const out = renderZone(zone([rec('t', 'TXT', text)]), 1);
    const line = out.split('\n').find((l) => l.startsWith('t.example.com.'))!;
    expect(line).toBe(`t.example.com. 300 IN TXT "${'a'.repeat(254)}\\"" "${'b'.repeat(10)}\\\\"`);
    expect(renderZone(zone([rec('u', 'TXT', 'é')]), 1)).toContain('u.example.com. 300 IN TXT "\\195\\169"');
    expect(renderZone(zone([rec('e', 'TXT', '')]), 1)).toContain('e.example.com. 300 IN TXT ""');
  });
  it('refuses a record that would add a line, even one that skipped the contract', () => {
    expect(() => renderZone(zone([rec('x', 'A', '192.0.2.1\n$INCLUDE /etc/passwd')]), 1)).toThrow(/not valid/);
    expect(() => renderZone(zone([rec('x\nevil', 'A', '192.0.2.1')]), 1)).toThrow(/not valid/);
    expect(() => renderZone(zone([rec('x', 'TXT', 'a\nb')]), 1)).toThrow(/not valid/);
    expect(() => renderZone({ ...zone([]), soa: { ...SOA, email: 'a\nb.' } }, 1)).toThrow(/not valid/);
  });
});

describe('parse', () => {
  it('round-trips every record type through render', () => {
    const records = [
      rec('@', 'A', '192.0.2.1'), rec('www', 'AAAA', '2001:db8::1', 60), rec('ftp', 'CNAME', 'www.example.com.'), rec('@', 'MX', '10 mail.example.com.'), rec('mail', 'A', '192.0.2.2'),
      rec('t', 'TXT', `${'x'.repeat(600)} "q" \\ ; $INCLUDE ( ) é`), rec('_sip._tcp', 'SRV', '1 2 3 sip.example.com.'), rec('@', 'CAA', '0 issue "ca.example; \\"x\\""'), rec('5', 'PTR', 'h.example.net.'),
      rec('*.dev', 'A', '192.0.2.9'), rec('sub', 'NS', 'ns.example.net.'),
    ];
    const z = zone(records);
    const parsed = parseZoneFile(renderZone(z, 42), 'example.com');
    expect(parsed.serial).toBe(42);
    expect(parsed.warnings).toEqual([]);
    expect([...parsed.zone.records].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([...z.records].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
    expect(parsed.zone.soa).toEqual(SOA);
  });
  it('reads what people write: parentheses, comments, omitted owners, TTL units, $ORIGIN', () => {
    const p = parseZoneFile(
      `$TTL 2h\n@ IN SOA ns1 hostmaster ( 7 ; serial\n 1h 10m 1w 5m )\n  NS ns1\nns1 A 192.0.2.1 ; comment\n$ORIGIN a.example.com.\nb 1d IN TXT "x;y" z\n`,
      'example.com',
    );
    expect(p.serial).toBe(7);
    expect(p.zone.soa).toEqual({ primary: 'ns1.example.com.', email: 'hostmaster.example.com.', refresh: 3600, retry: 600, expire: 604800, minimum: 300 });
    expect(p.zone.records).toEqual([rec('@', 'NS', 'ns1.example.com.', 7200), rec('ns1', 'A', '192.0.2.1', 7200), rec('b.a', 'TXT', 'x;yz', 86400)]);
    const caa = parseZoneFile('$TTL 60\n@ SOA ns1 h 1 3600 600 86400 300\n@ NS ns1\n@ CAA 0 iodef mailto:a@example.com\n@ CAA 0 issue "ca.example; a=\\"b\\""\n', 'example.com');
    expect(caa.zone.records.slice(1).map((r) => r.value)).toEqual(['0 iodef "mailto:a@example.com"', '0 issue "ca.example; a=\\"b\\""']);
  });
  it('refuses what it cannot import faithfully', () => {
    const head = '$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\n';
    expect(() => parseZoneFile(`${head}$INCLUDE /etc/passwd\n`, 'example.com')).toThrow(/Line 4: \$INCLUDE is not supported/);
    expect(() => parseZoneFile(`${head}$GENERATE 1-9 h$ A 1.2.3.$\n`, 'example.com')).toThrow(/not supported/);
    expect(() => parseZoneFile(`${head}x.other.org. A 192.0.2.1\n`, 'example.com')).toThrow(/outside the zone/);
    expect(() => parseZoneFile(`${head}x TXT "open\n`, 'example.com')).toThrow(/quoted string/);
    expect(() => parseZoneFile(`${head}x A ( 192.0.2.1\n`, 'example.com')).toThrow(/not closed/);
    expect(() => parseZoneFile(`${head}x CH A 192.0.2.1\n`, 'example.com')).toThrow(/class CH/);
    expect(() => parseZoneFile(`${head}x A 999.0.0.1\n`, 'example.com')).toThrow(/IPv4/);
    expect(() => parseZoneFile('$TTL 300\nx A 192.0.2.1\n', 'example.com')).toThrow(/no SOA/);
  });
});

describe('serial', () => {
  const day = new Date('2026-11-22T10:00:00Z');
  it('starts at YYYYMMDD00 and stays above every known serial', () => {
    expect(dateBase(day)).toBe(2026112200);
    expect(nextSerial([], day)).toBe(2026112200);
    expect(nextSerial([null, undefined], day)).toBe(2026112200);
    expect(nextSerial([2026112101, 5], day)).toBe(2026112200);
    expect(nextSerial([2026112200], day)).toBe(2026112201);
    expect(nextSerial([2026112205, 2026112203, null], day)).toBe(2026112206);
  });
  it('goes on past nn = 99 (still greater) and wraps at 2^32', () => {
    expect(nextSerial([2026112299], day)).toBe(2026112300);
    expect(nextSerial([2026112399], day)).toBe(2026112400);
    expect(nextSerial([4294967295], day)).toBe(0);
    expect(nextSerial([3000000000], day)).toBe(3000000001);
  });
});

describe('plan', () => {
  const base = zone([rec('a', 'A', '192.0.2.1'), rec('b', 'A', '192.0.2.2'), rec('c', 'A', '192.0.2.3'), rec('d', 'TXT', 'x')]);
  it('lists added, changed and removed records against the last push', () => {
    const next = zone([rec('a', 'A', '192.0.2.9'), rec('b', 'A', '192.0.2.2', 60), rec('c', 'A', '192.0.2.3'), rec('e', 'A', '192.0.2.5')]);
    const p = planZone(next, base);
    expect(p.added).toEqual([rec('e', 'A', '192.0.2.5')]);
    expect(p.removed).toEqual([rec('d', 'TXT', 'x')]);
    expect(p.changed).toEqual([{ from: rec('a', 'A', '192.0.2.1'), to: rec('a', 'A', '192.0.2.9') }, { from: rec('b', 'A', '192.0.2.2'), to: rec('b', 'A', '192.0.2.2', 60) }]);
    expect(p.confirmReasons).toEqual([]);
    expect(planZone(base, base).hasChanges).toBe(false);
    expect(planZone(base, null)).toMatchObject({ isNew: true, hasChanges: true, confirmReasons: [] });
    expect(planZone({ ...base, soa: { ...SOA, refresh: 7200 } }, base)).toMatchObject({ soaChanged: true, hasChanges: true });
  });
  it('finds the same differences as a whole comparison by key for random edits, duplicates and reorderings included', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    // Half the rounds draw from few names and values: duplicates, which only an import can bring.
    let few = false;
    const random = () => rec(`h${rand(few ? 4 : 30)}`, rand(3) === 0 ? 'TXT' : 'A', rand(3) === 0 ? 'x' : `192.0.2.${rand(few ? 3 : 20)}`, rand(4) === 0 ? 60 : 300);
    const byKey = (before: DnsRecord[], after: DnsRecord[]) => {
      const key = (r: DnsRecord) => `${r.name} ${r.type} ${r.value}`;
      const b = new Map(before.map((r) => [key(r), r]));
      const a = new Map(after.map((r) => [key(r), r]));
      return {
        added: [...a].filter(([k]) => !b.has(k)).map(([, r]) => r),
        removed: [...b].filter(([k]) => !a.has(k)).map(([, r]) => r),
        ttl: [...a].filter(([k, r]) => b.has(k) && b.get(k)!.ttl !== r.ttl).map(([, r]) => r),
      };
    };
    const flat = (p: ReturnType<typeof planZone>) => ({
      added: [...p.added, ...p.changed.filter((c) => c.from.value !== c.to.value).map((c) => c.to)],
      removed: [...p.removed, ...p.changed.filter((c) => c.from.value !== c.to.value).map((c) => c.from)],
      ttl: p.changed.filter((c) => c.from.value === c.to.value).map((c) => c.to),
    });
    const sorted = (x: { added: DnsRecord[]; removed: DnsRecord[]; ttl: DnsRecord[] }) => JSON.stringify([x.added, x.removed, x.ttl].map((l) => l.map((r) => JSON.stringify(r)).sort()));
    for (let round = 0; round < 2000; round++) {
      few = round % 2 === 1;
      const before = Array.from({ length: 1 + rand(40) }, random);
      const after = [...before];
      for (let e = rand(4); e > 0; e--) {
        const at = rand(after.length + 1);
        const op = rand(4);
        if (op === 0) after.splice(at, 0, random());
        else if (op === 1) after.splice(at, 1);
        else if (op === 2 && after[at]) after[at] = { ...after[at]!, ttl: after[at]!.ttl === 60 ? 300 : 60 };
        else after.splice(at, 0, after[rand(after.length)] ?? random());
      }
      const p = planZone(zone(after), zone(before));
      expect(sorted(flat(p)), `round ${round}`).toBe(sorted(byKey(before, after)));
    }
  });

  it('compares the whole zone when a difference shares its key with a record of the unchanged start or end (duplicates)', () => {
    const k = (value: string, ttl = 300) => rec('k', 'A', value, ttl);
    const p = planZone(zone([k('192.0.2.1'), k('192.0.2.2')]), zone([k('192.0.2.1'), k('192.0.2.1'), k('192.0.2.3')]));
    expect([p.added, p.removed, p.changed]).toEqual([[], [], [{ from: k('192.0.2.3'), to: k('192.0.2.2') }]]);
    expect(planZone(zone([k('192.0.2.1', 60), k('192.0.2.1', 60)]), zone([k('192.0.2.1'), k('192.0.2.1', 60)])).hasChanges).toBe(false);
  });

  it('needs a confirmation above 30% deletions or for apex NS changes', () => {
    expect(planZone(zone([rec('a', 'A', '192.0.2.1'), rec('b', 'A', '192.0.2.2'), rec('c', 'A', '192.0.2.3')]), base).confirmReasons).toEqual([]);
    expect(planZone(zone([rec('a', 'A', '192.0.2.1'), rec('b', 'A', '192.0.2.2')]), base).confirmReasons).toEqual(['removes 2 of 5 records (more than 30%)']);
    expect(planZone({ ...base, records: [...base.records, rec('@', 'NS', 'ns2.example.com.')] }, base).confirmReasons).toEqual(['changes the apex NS records']);
  });
});
