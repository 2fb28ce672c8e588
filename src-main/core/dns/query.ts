// Asks a nameserver directly over UDP (dns-packet encodes and decodes; one socket per question, a
// random id, the answer must match it): a zone's SOA, which must be authoritative, and any one
// question (askDns; ACME's DNS-01 asks for its TXT records with it).
import { randomInt } from 'node:crypto';
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import * as packet from 'dns-packet';

export type SoaAnswer =
  | { kind: 'serial'; serial: number }
  /** The server answered but does not serve the zone (REFUSED, SERVFAIL, NXDOMAIN, not authoritative). */
  | { kind: 'not-served'; detail: string }
  | { kind: 'unreachable'; detail: string };

export type DnsResponse = packet.DecodedPacket & { rcode?: string };

/** One question to `host:port` over UDP: its response (matched by id), or why none came. */
export function askDns(host: string, port: number, question: { type: 'SOA' | 'TXT'; name: string }, timeoutMs = 1000): Promise<{ response: DnsResponse } | { unreachable: string }> {
  return new Promise((resolve) => {
    const id = randomInt(65536);
    const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    let settled = false;
    const done = (a: { response: DnsResponse } | { unreachable: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(a);
    };
    const timer = setTimeout(() => done({ unreachable: `no answer from ${host}:${port} within ${timeoutMs} ms` }), timeoutMs);
    socket.on('error', (e) => done({ unreachable: `${host}:${port}: ${e.message}` }));
    socket.on('message', (msg) => {
      let res: DnsResponse;
      try {
        res = packet.decode(msg) as DnsResponse;
      } catch {
        return;
      }
      if (res.id === id) done({ response: res });
    });
    const query = packet.encode({ type: 'query', id, flags: 0, questions: [{ type: question.type, class: 'IN', name: question.name }] });
    socket.send(query, port, host, (e) => {
      if (e) done({ unreachable: `${host}:${port}: ${e.message}` });
    });
  });
}

export async function querySoa(host: string, port: number, zone: string, timeoutMs = 1000): Promise<SoaAnswer> {
  const asked = await askDns(host, port, { type: 'SOA', name: zone }, timeoutMs);
  if ('unreachable' in asked) return { kind: 'unreachable', detail: asked.unreachable };
  const res = asked.response;
  const soa = res.answers?.find((a) => a.type === 'SOA' && a.name.toLowerCase() === zone);
  if (res.rcode && res.rcode !== 'NOERROR') return { kind: 'not-served', detail: `${res.rcode} for ${zone}` };
  if (!res.flag_aa || !soa || soa.type !== 'SOA') return { kind: 'not-served', detail: `no authoritative SOA for ${zone}` };
  return { kind: 'serial', serial: Number(soa.data.serial) };
}

/**
 * Asks until the answer is `wanted` (bounded: gives up after `deadlineMs`); resolves with the
 * number of questions asked, rejects with what was last answered.
 */
async function askUntil(host: string, port: number, zone: string, wanted: (a: SoaAnswer) => boolean, what: string, deadlineMs: number): Promise<number> {
  const until = Date.now() + deadlineMs;
  let last: SoaAnswer = { kind: 'unreachable', detail: 'not asked' };
  for (let asked = 1; ; asked++) {
    last = await querySoa(host, port, zone, Math.min(1000, Math.max(100, until - Date.now())));
    if (wanted(last)) return asked;
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, Math.min(200, 10 * asked)));
  }
  const said = last.kind === 'serial' ? `serial ${last.serial}` : last.detail;
  throw new Error(`${host}:${port} did not ${what} for ${zone} within ${Math.round(deadlineMs / 1000)} s (last: ${said})`);
}

/** Asks until the nameserver answers `serial` for the zone. */
export function waitForSerial(host: string, port: number, zone: string, serial: number, deadlineMs = 10_000): Promise<number> {
  return askUntil(host, port, zone, (a) => a.kind === 'serial' && a.serial === serial, `answer serial ${serial}`, deadlineMs);
}

/** Asks until the nameserver answers that it does not serve the zone. */
export function waitUntilNotServed(host: string, port: number, zone: string, deadlineMs = 10_000): Promise<number> {
  return askUntil(host, port, zone, (a) => a.kind === 'not-served', 'stop serving it', deadlineMs);
}
