// DNS validation: names, per-type values, TTLs, zone-wide rules (CNAME exclusivity, apex NS),
// and hostile values — newlines, $INCLUDE, ';', quotes, control characters, overlong labels —
// refused wherever they could add a line to a zone file.
import { describe, expect, it } from 'vitest';
import { canonicalIpv6, canonicalRecord, canonicalSoa, DnsRecord, NsSettings, ownerProblem, valueProblem, Zone, ZoneName, zoneProblems, type RecordType } from '../../shared/dns';

const SOA = { primary: 'ns1.example.com.', email: 'hostmaster.example.com.', refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
const zone = (records: DnsRecord[]): Zone => ({ name: 'example.com', ttl: 300, soa: SOA, records: [{ name: '@', type: 'NS', ttl: 300, value: 'ns1.example.com.' }, ...records] });
const rec = (name: string, type: RecordType, value: string, ttl = 300): DnsRecord => ({ name, type, ttl, value });

describe('names', () => {
  it('accepts owner names of the zone', () => {
    for (const n of ['@', 'www', 'a.b.c', '*', '*.dev', '_dmarc', '_sip._tcp', 'x-1', '1', 'a'.repeat(63)]) expect(ownerProblem(n), n).toBeNull();
  });
  it('refuses hostile or malformed owner names', () => {
    const hostile = [
      'www\n$INCLUDE /etc/passwd', 'a\rb', 'a\u0000b', 'a\tb', 'a\u001bb', 'a\u2028b', 'a;b', 'a b', '$INCLUDE', '$(touch x)', '`id`', 'a"b', "a'b", 'a\\b', 'a(b', 'a)b',
      'x'.repeat(64), 'x'.repeat(300), '-a', 'a-', 'a..b', '.a', 'www.example.com.', 'WWW', 'a.*', '**', 'a/b', 'ѕite', 'café', 'a@b', '',
    ];
    expect(hostile.length).toBeGreaterThanOrEqual(20);
    for (const n of hostile) {
      expect(ownerProblem(n), JSON.stringify(n)).not.toBeNull();
      expect(DnsRecord.safeParse(rec(n, 'A', '192.0.2.1')).success, JSON.stringify(n)).toBe(false);
    }
  });
  it('checks zone names', () => {
    for (const z of ['example.com', '2.0.192.in-addr.arpa', 'a-b.co.uk']) expect(ZoneName.safeParse(z).success, z).toBe(true);
    for (const z of ['com', 'Example.com', 'example.com.', 'ex ample.com', 'ex;ample.com', 'a.com\n$INCLUDE /x', 'x'.repeat(64) + '.com', '-a.com', 'a"b.com', 'a..com', '']) {
      expect(ZoneName.safeParse(z).success, JSON.stringify(z)).toBe(false);
    }
  });
});

describe('values per type', () => {
  it('accepts good values', () => {
    const good: [RecordType, string][] = [
      ['A', '192.0.2.1'], ['AAAA', '2001:db8::1'], ['AAAA', '::ffff:192.0.2.1'], ['CNAME', 'www'], ['CNAME', 'www.example.net.'], ['MX', '10 mail'], ['MX', '0 mail.example.net.'],
      ['TXT', 'v=spf1 -all'], ['TXT', 'with "quotes" and \\ and ; and $INCLUDE and ( )'], ['TXT', 'ü'.repeat(1000)], ['NS', 'ns1.example.net.'], ['SRV', '10 5 5060 sip.example.net.'], ['SRV', '0 0 0 .'],
      ['CAA', '0 issue "letsencrypt.org"'], ['CAA', '128 iodef mailto:sec@example.com'], ['PTR', 'host.example.net.'],
    ];
    for (const [type, value] of good) expect(valueProblem(type, value), `${type} ${value}`).toBeNull();
  });
  it('refuses bad and hostile values', () => {
    const bad: [RecordType, string][] = [
      ['A', '192.0.2.1\nevil IN A 192.0.2.66'], ['A', '256.0.0.1'], ['A', '01.2.3.4'], ['A', '1.2.3'], ['A', '::1'], ['AAAA', '192.0.2.1'], ['AAAA', '1:2:3:4:5:6:7:8:9'], ['AAAA', '1::2::3'], ['AAAA', 'g::1'],
      ['CNAME', 'www; rm -rf /'], ['CNAME', 'a b'], ['CNAME', '.'], ['CNAME', 'x'.repeat(64)], ['CNAME', 'a\nb'], ['MX', 'mail'], ['MX', '70000 mail'], ['MX', '-1 mail'], ['MX', '10 mail extra'],
      ['TXT', 'a\nb'], ['TXT', 'a\r$INCLUDE /etc/passwd'], ['TXT', 'a\u0000b'], ['TXT', 'a\u007fb'], ['TXT', 'x'.repeat(4001)], ['NS', '"ns1"'], ['SRV', '10 5 sip.example.net.'], ['SRV', '10 5 99999 sip.'],
      ['CAA', '0 issue letsencrypt.org extra'], ['CAA', '256 issue "x"'], ['CAA', '0 is-sue "x"'], ['CAA', '0 issue "unterminated'], ['PTR', '$(id)'],
    ];
    for (const [type, value] of bad) expect(valueProblem(type, value), `${type} ${JSON.stringify(value)}`).not.toBeNull();
  });
  it('checks TTLs', () => {
    for (const ttl of [-1, 1.5, 2 ** 31, Number.NaN]) expect(DnsRecord.safeParse(rec('a', 'A', '192.0.2.1', ttl)).success, String(ttl)).toBe(false);
    for (const ttl of [0, 60, 2 ** 31 - 1]) expect(DnsRecord.safeParse(rec('a', 'A', '192.0.2.1', ttl)).success).toBe(true);
  });
  it('stores values in canonical form', () => {
    expect(canonicalIpv6('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalIpv6('2001:db8:0:1:0:0:0:1')).toBe('2001:db8:0:1::1');
    expect(canonicalIpv6('::')).toBe('::');
    expect(canonicalRecord('example.com', rec('WWW', 'CNAME', 'Web'))).toEqual(rec('www', 'CNAME', 'web.example.com.'));
    expect(canonicalRecord('example.com', rec('@', 'MX', '010 Mail'))).toEqual(rec('@', 'MX', '10 mail.example.com.'));
    expect(canonicalRecord('example.com', rec('@', 'CAA', '0 ISSUE letsencrypt.org'))).toEqual(rec('@', 'CAA', '0 issue "letsencrypt.org"'));
    expect(canonicalSoa('example.com', { ...SOA, primary: 'ns1', email: 'hostmaster@example.com' })).toEqual({ ...SOA, primary: 'ns1.example.com.', email: 'hostmaster.example.com.' });
  });
});

describe('zone-wide rules', () => {
  it('keeps a CNAME alone at its name, never at the apex, once per name', () => {
    expect(zoneProblems(zone([rec('www', 'CNAME', 'web.example.com.')]))).toEqual({});
    expect(Object.values(zoneProblems(zone([rec('www', 'CNAME', 'web.example.com.'), rec('www', 'A', '192.0.2.1')])))[0]).toMatch(/must be the only record/);
    expect(Object.values(zoneProblems(zone([rec('www', 'CNAME', 'a.example.com.'), rec('www', 'CNAME', 'b.example.com.')])))[0]).toMatch(/at most one/);
    expect(Object.values(zoneProblems(zone([rec('@', 'CNAME', 'a.example.com.')])))[0]).toMatch(/apex/);
  });
  it('wants an apex NS, no duplicates, SRV names of the _service._proto form', () => {
    expect(zoneProblems({ ...zone([]), records: [] }).records).toMatch(/NS record at its apex/);
    expect(zoneProblems(zone([rec('a', 'A', '192.0.2.1'), rec('a', 'A', '192.0.2.1')]))['records.2.value']).toMatch(/already there/);
    expect(zoneProblems(zone([rec('sip', 'SRV', '1 1 5060 sip.example.com.')]))['records.1.name']).toMatch(/_service\._proto/);
  });
  it('validates nameserver settings strictly', () => {
    const ok = { zoneDir: '/var/lib/bind', zonesConf: '/etc/bind/named.conf.hostdeck', namedConf: '/etc/bind/named.conf', rndcConf: null, queryHost: null, queryPort: 53 };
    expect(NsSettings.safeParse(ok).success).toBe(true);
    for (const zoneDir of ['var/lib', '/var/../etc', '/var/lib bind', "/var/lib';id;'", '/var/lib\n', '/var/$(id)']) expect(NsSettings.safeParse({ ...ok, zoneDir }).success, zoneDir).toBe(false);
    expect(NsSettings.safeParse({ ...ok, queryHost: 'a b' }).success).toBe(false);
    expect(NsSettings.safeParse({ ...ok, queryPort: 0 }).success).toBe(false);
  });
});
