// npm run testbed            — start the loopback test servers for a manual demo
// npm run testbed -- stop    — stop them all
// npm run testbed -- status  — show whether they are up (reuses them; starts missing ones)
import { DEMO_LEASE, startTestbed, stopTestbed, TESTBED_JSON } from '../testbed/testbed';

const cmd = process.argv[2] ?? 'start';

async function main(): Promise<void> {
  if (cmd === 'stop') {
    const t0 = Date.now();
    await stopTestbed();
    console.log(`testbed stopped (${Date.now() - t0} ms)`);
    return;
  }
  if (cmd !== 'start') {
    console.error('usage: npm run testbed [-- start|stop]');
    process.exit(2);
  }
  const t0 = Date.now();
  // A lease without pid: `npm test` runs in between will not stop the demo's servers.
  const info = await startTestbed({ lease: { id: DEMO_LEASE } });
  const ms = Date.now() - t0;
  const w = info.ssh.web1;
  const u = info.users.hdtest;
  console.log(`
Hostdeck testbed is up (${ms} ms). Everything lives in ${info.root}

Add the demo server in Hostdeck (Servers → Add server):
  Name         web1 (testbed)
  Host         ${w.host}
  Port         ${w.port}
  User         ${u.name}
  Auth         Private key
  Key file     ${info.keys.ed25519.path}
  Host key     ${w.hostKeyFingerprint}  (ED25519; confirm this on first connect)

  …or Auth "Password" with: ${u.password}
  (a second server, for host-key tests: ${info.ssh.web2.host}:${info.ssh.web2.port}, same users and keys, ${info.ssh.web2.hostKeyFingerprint})

From a shell:  ssh -i ${info.keys.ed25519.path} -p ${w.port} ${u.name}@${w.host}

Also running on loopback:
  MariaDB      ${info.mariadb.host}:${info.mariadb.port}  user ${info.mariadb.adminUser}  password ${info.mariadb.adminPassword}  (socket ${info.mariadb.socket})
  FTP          ${info.ftp.host}:${info.ftp.port}  user ${info.ftp.user}  password ${info.ftp.password}
  DNS          ns1 ${info.ns.ns1.host}:${info.ns.ns1.port}, ns2 ${info.ns.ns2.host}:${info.ns.ns2.port}  (zone example.test; rndc -c ${info.ns.ns1.rndcConfFile} status)
  nginx        http://${info.nginx.host}:${info.nginx.port}/  (sites in ${info.nginx.sitesDir})
  ACME CA      ${info.pebble.directoryUrl}  (pebble; its API's CA ${info.pebble.apiCaFile}, issuing root ${info.pebble.issuingRootFile})

All details: ${TESTBED_JSON}
Stop everything:  npm run testbed -- stop
`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
