// The dynamic update as DNS messages (update-wire.ts): what update.ts writes becomes one message
// per zone whose records decode (by dns-packet, independently of the encoder) to the same data;
// a part outside the forms update.ts writes refuses that zone only; signatures and answers.
import { createHmac } from 'node:crypto';
import * as packet from 'dns-packet';
import { describe, expect, it } from 'vitest';
import type { DnsRecord, RecordType, Zone } from '../../shared/dns';
import { renderUpdate } from '../../src-main/core/dns/update';
import { answer, parseKeyFile, signed, updateMessages } from '../../src-main/core/dns/update-wire';

const rec = (name: string, type: RecordType, value: string, ttl = 300): DnsRecord => ({ name, type, ttl, value });
const SOA = { primary: 'ns1.example.com.', email: 'hostmaster.example.com.', refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
const zone = (records: DnsRecord[]): Zone => ({ name: 'example.com', ttl: 300, soa: SOA, records });
const KEY = parseKeyFile('key "local-ddns" {\n\talgorithm hmac-sha256;\n\tsecret "w3ALolvfisFjhRGeG8dzJd1PO7qQl8dwEW7LunNE9fo=";\n};\n')!;

describe('update messages', () => {
  it('encodes every record type so that an independent decoder reads the same data', () => {
    const after = zone([
      rec('www', 'A', '192.0.2.7'),
      rec('www', 'AAAA', '2001:db8::7'),
      rec('alias', 'CNAME', 'www.example.com.'),
      rec('@', 'MX', '10 mail.example.com.'),
      rec('t', 'TXT', `v=1; "q" \\ ünï ${'x'.repeat(300)}`),
      rec('_sip._tcp', 'SRV', '10 5 5060 sip.example.com.'),
      rec('@', 'CAA', '0 issue "letsencrypt.org"'),
      rec('7', 'PTR', 'host.example.com.'),
      rec('sub', 'NS', 'ns9.example.net.'),
    ]);
    const text = renderUpdate({ zone: zone([]), serial: 1 }, { zone: after, serial: 2 })!;
    const { messages, refused } = updateMessages(text);
    expect(refused).toEqual([]);
    expect(messages.map((m) => m.zone)).toEqual(['example.com']);
    const decoded = packet.decode(messages[0]!.body);
    expect((decoded as { opcode?: string }).opcode).toBe('UPDATE');
    expect(decoded.questions).toEqual([{ name: 'example.com', type: 'SOA', class: 'IN' }]);
    const adds = (decoded.authorities ?? []) as { name: string; type: string; ttl: number; data: unknown }[];
    const data = Object.fromEntries(adds.filter((a) => a.type !== 'SOA').map((a) => [a.type, a.data]));
    expect(data.A).toBe('192.0.2.7');
    expect(data.AAAA).toBe('2001:db8::7');
    expect(data.CNAME).toBe('www.example.com');
    expect(data.MX).toEqual({ preference: 10, exchange: 'mail.example.com' });
    expect(Buffer.concat(data.TXT as Buffer[]).toString('utf8')).toBe(`v=1; "q" \\ ünï ${'x'.repeat(300)}`);
    expect(data.SRV).toEqual({ priority: 10, weight: 5, port: 5060, target: 'sip.example.com' });
    expect(data.CAA).toMatchObject({ flags: 0, tag: 'issue', value: 'letsencrypt.org' });
    expect(data.PTR).toBe('host.example.com');
    expect(data.NS).toBe('ns9.example.net');
    const soa = adds.find((a) => a.type === 'SOA')!;
    expect(soa.data).toMatchObject({ mname: 'ns1.example.com', serial: 2 });
    expect(((decoded.answers ?? []) as { data: { serial: number } }[])[0]!.data.serial).toBe(1);
  });

  it('refuses a zone whose part is not in the forms update.ts writes, and sends the others', () => {
    const good = 'zone a.test.\nupdate add www.a.test. 300 IN A 192.0.2.1\nsend\n';
    for (const bad of [
      'update add www.b.test. 300 IN A 192.0.2.300',
      'update add www.b.test. 300 IN TXT "open',
      'update add www.b.test. 300 IN TXT bare',
      'update add WWW.b.test. 300 IN A 192.0.2.1',
      'update add www.b.test 300 IN A 192.0.2.1',
      'update add www.b.test. 300 IN HINFO "a" "b"',
      'update add www.b.test. 300 IN TXT "\\x"',
      'update add www.b.test. 300 IN MX 70000 mail.b.test.',
      'server 127.0.0.1 53',
      'update add w\u0000.b.test. 300 IN A 192.0.2.1',
    ]) {
      const { messages, refused } = updateMessages(`${good}zone b.test.\n${bad}\nsend\n`);
      expect(messages.map((m) => m.zone), bad).toEqual(['a.test']);
      expect(refused.map((r) => r.zone), bad).toEqual(['b.test']);
    }
  });

  it('signs with TSIG (the record last, counted) and reads answers', () => {
    const { messages } = updateMessages('zone a.test.\nupdate delete www.a.test. A\nsend\n');
    const body = messages[0]!.body;
    const now = Date.UTC(2026, 11, 7);
    const wire = signed(messages[0]!, KEY, now);
    expect(wire.readUInt16BE(10)).toBe(1);
    expect(Buffer.concat([wire.subarray(0, 10), wire.subarray(12, body.length)]).equals(Buffer.concat([body.subarray(0, 10), body.subarray(12)]))).toBe(true);
    // The TSIG record by hand (RFC 8945): owner, type 250, class ANY, TTL 0, then its data.
    const label = (s: string) => Buffer.concat([...s.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])), Buffer.from([0])]);
    const time = Buffer.alloc(6);
    time.writeUIntBE(now / 1000, 0, 6);
    const variables = Buffer.concat([label('local-ddns'), Buffer.from([0, 255, 0, 0, 0, 0]), label('hmac-sha256'), time, Buffer.from([1, 44, 0, 0, 0, 0])]);
    const mac = createHmac('sha256', KEY.secret).update(body).update(variables).digest();
    const rdata = Buffer.concat([label('hmac-sha256'), time, Buffer.from([1, 44, 0, 32]), mac, body.subarray(0, 2), Buffer.from([0, 0, 0, 0])]);
    const rr = Buffer.concat([label('local-ddns'), Buffer.from([0, 250, 0, 255, 0, 0, 0, 0, rdata.length >> 8, rdata.length & 255]), rdata]);
    expect(wire.subarray(body.length).toString('hex')).toBe(rr.toString('hex'));
    const reply = (rcode: number) => Buffer.from([0x12, 0x34, 0xa8, rcode, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(answer(reply(0))).toEqual({ id: 0x1234, error: null });
    expect(answer(reply(5))).toEqual({ id: 0x1234, error: 'REFUSED' });
    expect(answer(reply(9))).toEqual({ id: 0x1234, error: 'NOTAUTH' });
    expect(() => answer(Buffer.alloc(4))).toThrow();
  });

  it('reads named key files, and refuses keys it cannot sign with', () => {
    expect(KEY).toMatchObject({ name: 'local-ddns', algorithm: 'hmac-sha256' });
    expect(KEY.secret.length).toBe(32);
    expect(parseKeyFile('key "k" { algorithm hmac-md5; secret "w3ALolvfisFjhRGeG8dzJd1PO7qQl8dw"; };')).toBeNull();
    expect(parseKeyFile('garbage')).toBeNull();
  });
});
