// DNS push to the two test nameservers (ns1, ns2; BIND on 127.0.0.1:5301/5302, reached as root
// over web1's and web2's sshd: two servers, each with its own task lock), including verification,
// against the same steps as shell scripts:
//   - the expert's script (the goal's peer): one persistent OpenSSH connection per nameserver
//     (ControlMaster, opened before the clock starts, as in an admin's running session), one
//     `ssh 'cat > new && named-checkzone && mv && rndc reload' < zone` through it and `dig` until
//     the serial shows, both nameservers in parallel;
//   - the naive script (info): `scp` the zone file, `ssh named-checkzone && mv`, `ssh rndc
//     reload`, `dig` until the serial shows, a new connection each, one nameserver after the other.
//   1. a 10,000-record zone to both nameservers (median of rounds, one record changed each time);
//   2. a one-record change to 200 zones on both nameservers. The scripts' time for 200 zones is
//      measured on PEER_ZONES zones and scaled (linear: the same steps per zone).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from '../shared/domain';
import type { DnsRecord, Zone } from '../shared/dns';
import type { Task } from '../shared/queue';
import { renderZone } from '../src-main/core/dns/render';
import { benchCore } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'dns-push';

const BIG = 10_000;
const ROUNDS = 3;
const ZONES = 200;
const PEER_ZONES = 10;
const SOA = { primary: 'ns1.example.test.', email: 'hostmaster.example.test.', refresh: 3600, retry: 600, expire: 86400, minimum: 300 };
const NS_NAMES = ['ns1', 'ns2'] as const;

function bigRecords(n: number, variant: number): DnsRecord[] {
  const out: DnsRecord[] = [{ name: '@', type: 'NS', ttl: 300, value: 'ns1.example.test.' }];
  for (let i = 1; i < n; i++) out.push({ name: `h${i}`, type: 'A', ttl: 300, value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` });
  out.push({ name: 'changing', type: 'TXT', ttl: 300, value: `round ${variant}` });
  return out;
}

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;
  const web1 = testbed.ssh.web1;
  // Each nameserver is reached as a server of its own (ns1 over web1's sshd, ns2 over web2's), so
  // each has its own task lock, as two nameservers do.
  const sshOf = { ns1: web1, ns2: testbed.ssh.web2 } as const;
  const home = path.join(ctx.tmpDir, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const knownHosts = path.join(home, '.ssh', 'known_hosts');
  writeFileSync(knownHosts, Object.values(sshOf).map((x) => `[${x.host}]:${x.port} ${x.hostKeyLine}\n`).join(''));

  const { call } = await benchCore(ctx, home);
  const servers: Server[] = [];
  for (const ns of NS_NAMES) {
    const info = testbed.ns[ns];
    const s = await call<Server>('servers.add', { name: ns, host: sshOf[ns].host, port: sshOf[ns].port, user: 'root', auth: { method: 'key', keyPath: testbed.keys.ed25519.path }, roles: ['ns'], tags: [] });
    await call('dns.setSettings', { serverId: s.id, settings: { zoneDir: info.dir, zonesConf: info.zonesConf, namedConf: `${info.dir}/named.conf`, rndcConf: info.rndcConfFile, queryHost: info.host, queryPort: info.port } });
    servers.push(s);
  }
  const settled = async () => {
    for (;;) {
      const lists = await Promise.all(servers.map((s) => call<{ tasks: Task[] }>('queue.list', { serverId: s.id })));
      const tasks = lists.flatMap((l) => l.tasks);
      const failed = tasks.find((t) => t.status === 'failed');
      if (failed) throw new Error(`push failed: ${failed.stderrTail}`);
      if (tasks.every((t) => t.status === 'done')) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  /** dns.push until every nameserver verified the new serials. */
  const push = async (zones?: string[]) => {
    const started = performance.now();
    const out = await call<{ serials: Record<string, number> }>('dns.push', zones ? { zones, confirm: zones } : {});
    await settled();
    return { ms: performance.now() - started, serials: out.serials };
  };

  // ---- the peer: the script, one nameserver after the other
  const baseSsh = ['-F', '/dev/null', '-i', testbed.keys.ed25519.path, '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'];
  const sshArgs = [...baseSsh, '-o', 'ControlMaster=no', '-o', 'ControlPath=none'];
  const script = path.join(ctx.tmpDir, 'push.sh');
  writeFileSync(
    script,
    `#!/bin/sh
# push.sh FILE ZONE SERIAL DIR RNDC_CONF DNS_PORT
set -e
file=$1 zone=$2 serial=$3 dir=$4 rndc_conf=$5 port=$6
scp -q -P ${web1.port} ${sshArgs.join(' ')} "$file" "root@${web1.host}:$dir/db.$zone.new"
ssh -p ${web1.port} ${sshArgs.join(' ')} root@${web1.host} "named-checkzone -q $zone $dir/db.$zone.new && mv $dir/db.$zone.new $dir/db.$zone"
ssh -p ${web1.port} ${sshArgs.join(' ')} root@${web1.host} "rndc -c $rndc_conf reload $zone" >/dev/null
until [ "$(dig +short -p "$port" @127.0.0.1 "$zone" SOA | awk '{print $3}')" = "$serial" ]; do sleep 0.01; done
`,
    { mode: 0o755 },
  );
  // The expert's: one master connection per nameserver, opened now (not timed) and kept.
  const controlPath = (ns: string) => path.join(ctx.tmpDir, `cm-${ns}`);
  for (const ns of NS_NAMES) {
    // The script names web1 for both; through a master's ControlPath it reaches that master's server.
    execFileSync('ssh', ['-p', String(sshOf[ns].port), ...baseSsh, '-o', 'ControlMaster=yes', '-o', `ControlPath=${controlPath(ns)}`, '-o', 'ControlPersist=yes', '-f', '-N', `root@${sshOf[ns].host}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    ctx.defer(() => spawnSync('ssh', ['-o', `ControlPath=${controlPath(ns)}`, '-O', 'exit', `root@${sshOf[ns].host}`], { stdio: 'ignore' }));
  }
  const expertScript = path.join(ctx.tmpDir, 'push-persistent.sh');
  writeFileSync(
    expertScript,
    `#!/bin/sh
# push-persistent.sh FILE ZONE SERIAL then per nameserver: CONTROL_PATH DIR RNDC_CONF DNS_PORT
set -e
file=$1 zone=$2 serial=$3
shift 3
one() { # control_path dir rndc_conf port
  ssh -p ${web1.port} ${baseSsh.join(' ')} -o ControlMaster=no -o "ControlPath=$1" root@${web1.host} "cat > $2/db.$zone.new && named-checkzone -q $zone $2/db.$zone.new && mv $2/db.$zone.new $2/db.$zone && rndc -c $3 reload $zone >/dev/null" < "$file"
  until [ "$(dig +short -p "$4" @127.0.0.1 "$zone" SOA | awk '{print $3}')" = "$serial" ]; do sleep 0.01; done
}
one "$1" "$2" "$3" "$4" & a=$!
one "$5" "$6" "$7" "$8" & b=$!
wait $a && wait $b
`,
    { mode: 0o755 },
  );
  /** One push of the zone to both nameservers by a script; ms until both show the serial. */
  const peerPush = (kind: 'naive' | 'persistent', zone: Zone, serial: number) => {
    const file = path.join(ctx.tmpDir, `db.${zone.name}`);
    writeFileSync(file, renderZone(zone, serial));
    const started = performance.now();
    if (kind === 'naive') {
      for (const ns of NS_NAMES) {
        const info = testbed.ns[ns];
        execFileSync('sh', [script, file, zone.name, String(serial), info.dir, info.rndcConfFile, String(info.port)], { stdio: ['ignore', 'ignore', 'inherit'] });
      }
    } else {
      const perNs = NS_NAMES.flatMap((ns) => [controlPath(ns), testbed.ns[ns].dir, testbed.ns[ns].rndcConfFile, String(testbed.ns[ns].port)]);
      execFileSync('sh', [expertScript, file, zone.name, String(serial), ...perNs], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    return performance.now() - started;
  };

  /**
   * The scripts push zone files and reload them, as an expert's script does: their zones get the
   * static stanza such a set-up has (Hostdeck made them dynamic when it created them).
   */
  const makeStatic = (zones: string[]) => {
    for (const ns of NS_NAMES) {
      const info = testbed.ns[ns];
      for (const z of zones) {
        const stanza = `zone "${z}" { type primary; file "${info.dir}/db.${z}";`;
        execFileSync('sh', ['-c', `rndc -c "$3" sync -clean "$1" && sed -i "s|^$2 update-policy local; };$|$2 };|" "$4"`, 'sh', z, stanza, info.rndcConfFile, info.zonesConf]);
      }
      execFileSync('rndc', ['-c', info.rndcConfFile, 'reconfig']);
    }
  };

  const tag = Date.now().toString(36);
  // The bench's zones leave the nameservers afterwards (stanzas, files; named reconfigured).
  ctx.defer(() => {
    for (const ns of NS_NAMES) {
      const info = testbed.ns[ns];
      execFileSync('sh', ['-c', `sed -i '/-${tag}\\.bench"/d' "$1" && rm -f "$2"/db.*-${tag}.bench "$2"/db.*-${tag}.bench.jnl && rndc -c "$3" reconfig`, 'sh', info.zonesConf, info.dir, info.rndcConfFile]);
    }
  });
  // ---- 1. a 10,000-record zone
  const big = `big-${tag}.bench`;
  const peerBig = `peer-big-${tag}.bench`;
  for (const z of [big, peerBig]) {
    await call('dns.createZone', { zone: z, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });
    await call('dns.saveZone', { zone: { name: z, ttl: 300, soa: SOA, records: bigRecords(BIG, 0) } });
  }
  await push([big, peerBig]); // first push: the zones are new to the nameservers (stanzas, reconfig)
  let peerSerial = (await push([peerBig])).serials[peerBig]!;
  makeStatic([peerBig]);
  const ours: number[] = [];
  const expert: number[] = [];
  const naive: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    await call('dns.saveZone', { zone: { name: big, ttl: 300, soa: SOA, records: bigRecords(BIG, round) } });
    ours.push((await push([big])).ms);
    const zone = { name: peerBig, ttl: 300, soa: SOA, records: bigRecords(BIG, round) };
    expert.push(peerPush('persistent', zone, ++peerSerial));
    naive.push(peerPush('naive', zone, ++peerSerial));
  }
  const [hBig, eBig, nBig] = [median(ours), median(expert), median(naive)];
  const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  ctx.log(`10,000-record zone to both nameservers (median of ${ROUNDS}): Hostdeck ${hBig.toFixed(0)} ms [${list(ours)}], persistent-connection script ${eBig.toFixed(0)} ms [${list(expert)}], naive script ${nBig.toFixed(0)} ms [${list(naive)}]`);

  // ---- 2. one record changed in each of 200 zones
  const small = Array.from({ length: ZONES }, (_, i) => `z${i}-${tag}.bench`);
  const smallRecords = (v: number): DnsRecord[] => [
    { name: '@', type: 'NS', ttl: 300, value: 'ns1.example.test.' },
    { name: '@', type: 'A', ttl: 300, value: '192.0.2.1' },
    { name: 'www', type: 'A', ttl: 300, value: `192.0.2.${10 + v}` },
    { name: 'mail', type: 'A', ttl: 300, value: '192.0.2.25' },
    { name: '@', type: 'MX', ttl: 300, value: '10 mail' },
  ];
  for (const z of small) {
    await call('dns.createZone', { zone: z, ttl: 300, soa: SOA, nameservers: ['ns1.example.test.'] });
    await call('dns.saveZone', { zone: { name: z, ttl: 300, soa: SOA, records: smallRecords(0) } });
  }
  await push(small);
  const www = (v: number): DnsRecord => ({ name: 'www', type: 'A', ttl: 300, value: `192.0.2.${10 + v}` });
  const editStarted = performance.now();
  for (const z of small) await call('dns.putRecord', { zone: z, record: www(1), old: www(0) });
  const editMs = performance.now() - editStarted;
  const many = await push();
  if (Object.keys(many.serials).length !== ZONES) throw new Error(`expected ${ZONES} changed zones, pushed ${Object.keys(many.serials).length}`);
  const peerMs = { persistent: 0, naive: 0 };
  makeStatic(small.slice(0, PEER_ZONES));
  for (const z of small.slice(0, PEER_ZONES)) {
    const zone = (await call<{ zone: Zone }>('dns.zone', { zone: z })).zone;
    const changed = { ...zone, records: zone.records.map((r) => (r.name === 'www' ? www(2) : r)) };
    peerMs.persistent += peerPush('persistent', changed, many.serials[z]! + 1);
    peerMs.naive += peerPush('naive', changed, many.serials[z]! + 2);
  }
  const scaled = (ms: number) => (ms / PEER_ZONES) * ZONES;
  ctx.log(`one record in ${ZONES} zones to both nameservers: Hostdeck ${many.ms.toFixed(0)} ms (+ ${editMs.toFixed(0)} ms for the ${ZONES} edits), persistent-connection script ${scaled(peerMs.persistent).toFixed(0)} ms, naive script ${scaled(peerMs.naive).toFixed(0)} ms (${PEER_ZONES} zones measured: ${peerMs.persistent.toFixed(0)}, ${peerMs.naive.toFixed(0)} ms)`);

  const expertName = "script with persistent connections: one OpenSSH ControlMaster per nameserver (opened before timing), ssh 'cat > new && named-checkzone && mv && rndc reload' < zone + dig until the serial shows, both nameservers in parallel";
  const naiveName = 'naive script: scp + ssh named-checkzone && mv + ssh rndc reload + dig until the serial shows, a new connection each, one nameserver after the other';
  const bigMetric = `push a ${BIG.toLocaleString('en')}-record zone to both nameservers incl. verification (median of ${ROUNDS})`;
  const scaledNote = `per zone, ${PEER_ZONES} zones measured, scaled to ${ZONES}`;
  return [
    entry({ name, metric: bigMetric, unit: 'ms', hostdeck: hBig, peer: eBig, peerName: expertName, goal: '<= 0.5' }),
    entry({ name, metric: `${bigMetric}, against the naive script`, unit: 'ms', hostdeck: hBig, peer: nBig, peerName: naiveName, goal: 'info' }),
    entry({ name, metric: `one-record change in ${ZONES} zones to both nameservers incl. verification`, unit: 'ms', hostdeck: many.ms, peer: 5000, peerName: 'budget 5 s', goal: '<= 1.0' }),
    entry({ name, metric: `same, against the persistent-connection script`, unit: 'ms', hostdeck: many.ms, peer: scaled(peerMs.persistent), peerName: `${expertName} (${scaledNote})`, goal: 'info' }),
    entry({ name, metric: `same, against the naive script`, unit: 'ms', hostdeck: many.ms, peer: scaled(peerMs.naive), peerName: `${naiveName} (${scaledNote})`, goal: 'info' }),
  ];
}
