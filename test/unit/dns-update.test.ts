// The dynamic update a push sends when a nameserver holds what was pushed last: only the record
// sets that differ, absolute names everywhere (nsupdate does not apply the zone's origin to
// record data), the apex NS set added before its old names go, the old SOA as prerequisite and
// the new serial in the same message; too large a change goes whole (null).
import { describe, expect, it } from 'vitest';
import type { DnsRecord, RecordType, Zone } from '../../shared/dns';
import { renderUpdate, UPDATE_MAX_RECORDS } from '../../src-main/core/dns/update';

const rec = (name: string, type: RecordType, value: string, ttl = 300): DnsRecord => ({ name, type, ttl, value });
const SOA = { primary: 'ns1.example.com.', email: 'hostmaster.example.com.', refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
const zone = (records: DnsRecord[], soa = SOA): Zone => ({ name: 'example.com', ttl: 300, soa, records });

describe('renderUpdate', () => {
  it('sends only what changed, with absolute names and the old SOA as prerequisite', () => {
    const before = zone([rec('@', 'NS', 'ns1.example.com.'), rec('www', 'A', '192.0.2.1'), rec('@', 'MX', '10 mail'), rec('old', 'A', '192.0.2.9'), rec('keep', 'TXT', 'a "quoted" text')]);
    const after = zone([rec('@', 'NS', 'ns1.example.com.'), rec('www', 'A', '192.0.2.2', 600), rec('@', 'MX', '20 mx2'), rec('alias', 'CNAME', 'www'), rec('keep', 'TXT', 'a "quoted" text')], { ...SOA, retry: 900 });
    expect(renderUpdate({ zone: before, serial: 7 }, { zone: after, serial: 8 })).toBe(`zone example.com.
prereq yxrrset example.com. IN SOA ns1.example.com. hostmaster.example.com. 7 3600 600 86400 300
update delete old.example.com. A
update delete www.example.com. A
update add www.example.com. 600 IN A 192.0.2.2
update delete example.com. MX
update add example.com. 300 IN MX 20 mx2.example.com.
update add alias.example.com. 300 IN CNAME www.example.com.
update add example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 8 3600 900 86400 300
send
`);
  });

  it('adds new apex NS names before deleting the old ones one by one (a whole-set delete is ignored there)', () => {
    const before = zone([rec('@', 'NS', 'ns1.example.com.'), rec('@', 'NS', 'ns2.example.com.')]);
    const after = zone([rec('@', 'NS', 'ns1.example.com.'), rec('@', 'NS', 'ns3.example.com.')]);
    const lines = renderUpdate({ zone: before, serial: 1 }, { zone: after, serial: 2 })!.split('\n');
    expect(lines.slice(2, 5)).toEqual(['update add example.com. 300 IN NS ns1.example.com.', 'update add example.com. 300 IN NS ns3.example.com.', 'update delete example.com. IN NS ns2.example.com.']);
  });

  it('quotes TXT data as the zone file does', () => {
    const after = zone([rec('t', 'TXT', 'v=1; "x" \\ y')]);
    expect(renderUpdate({ zone: zone([]), serial: 1 }, { zone: after, serial: 2 })).toContain('update add t.example.com. 300 IN TXT "v=1; \\"x\\" \\\\ y"\n');
  });

  it('sends nothing but the SOA when no record changed, and gives up on a change too large for one message', () => {
    const same = zone([rec('www', 'A', '192.0.2.1')]);
    expect(renderUpdate({ zone: same, serial: 1 }, { zone: same, serial: 2 })!.split('\n').filter((l) => l.startsWith('update'))).toHaveLength(1);
    const many = zone(Array.from({ length: UPDATE_MAX_RECORDS + 1 }, (_, i) => rec(`h${i}`, 'A', '192.0.2.1')));
    expect(renderUpdate({ zone: zone([]), serial: 1 }, { zone: many, serial: 2 })).toBeNull();
  });

  it('refuses a record that is not valid instead of sending it', () => {
    const bad = zone([rec('www', 'A', '192.0.2.1\nupdate delete example.com. NS')]);
    expect(() => renderUpdate({ zone: zone([]), serial: 1 }, { zone: bad, serial: 2 })).toThrow(/not valid/);
  });
});
