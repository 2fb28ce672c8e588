// One full health tick over a fleet of 50 sshd on loopback (testbed startFleet(50); every
// daemon the roles call for runs on this same machine), at the default concurrency of 16:
//   - Hostdeck: the core's health.checkNow({}) — the work of a timer tick, through the same
//     p-limit — cold (every connection opened in the tick) and warm (connections kept from the
//     previous tick, as the timer finds them);
//   - Ansible, the usual tool for "run this on the fleet": an ad-hoc `ansible all -m shell` of
//     the same script with the same fork count, pipelining on (its own speed advice); cold with
//     a fresh ControlPath directory, warm reusing the ControlPersist masters of the run before.
// Goals: the whole fleet in under 1 s (rows against that budget, recorded with or without
// Ansible), and no slower than Ansible (rows only where Ansible is installed).
import { startFleet, stopFleet } from '../testbed/testbed';
import { addFleet, ansibleFleet, ansibleVersion, fleetHome, tickRounds } from './fleet-tick';
import { benchCore } from './hostdeck';
import { entry, median, type BenchContext, type BenchEntry } from './lib';

export const name = 'health-tick-50';

const FLEET = 50;
const CONCURRENCY = 16;
const HOSTDECK_ROUNDS = 7;
const ANSIBLE_ROUNDS = 3;
const GOAL_MS = 1000;

export async function run(ctx: BenchContext): Promise<BenchEntry[]> {
  const { testbed } = ctx;
  const fleet = await startFleet(FLEET);
  ctx.defer(stopFleet);
  const { home, knownHosts } = fleetHome(ctx, fleet);

  // ---- Hostdeck
  const { call } = await benchCore(ctx, home, { settings: { healthConcurrency: CONCURRENCY } });
  const { cold, warm } = await tickRounds(ctx, call, await addFleet(ctx, call, fleet), HOSTDECK_ROUNDS);
  const [hc, hw] = [median(cold), median(warm)];
  const budget = { name, unit: 'ms', peer: GOAL_MS, peerName: `budget ${GOAL_MS / 1000} s`, goal: '<= 1.0' };
  const budgetRows = [
    entry({ ...budget, metric: `health tick, ${FLEET} servers, connections kept from the last tick, vs the budget (median of ${HOSTDECK_ROUNDS})`, hostdeck: hw }),
    entry({ ...budget, metric: `health tick, ${FLEET} servers, every connection opened in the tick, vs the budget (median of ${HOSTDECK_ROUNDS})`, hostdeck: hc }),
  ];

  // ---- Ansible
  const version = ansibleVersion();
  if (!version) {
    ctx.log('ansible is not installed (Debian: apt-get install -y ansible): no Ansible rows, only the budget ones');
    return budgetRows;
  }
  const { cold: aCold, warm: aWarm } = await ansibleFleet(ctx, fleet, { home, knownHosts, user: testbed.users.hdtest.name, keyPath: testbed.keys.ed25519.path, forks: CONCURRENCY }).rounds(ANSIBLE_ROUNDS);
  const [ac, aw] = [median(aCold), median(aWarm)];
  const peerName = `${version} ad-hoc -m shell -f ${CONCURRENCY}, pipelining`;
  const common = { name, unit: 'ms', goal: '<= 1.0' };
  return [
    entry({ ...common, metric: `health tick, ${FLEET} servers, connections kept from the last tick (median of ${HOSTDECK_ROUNDS} vs ${ANSIBLE_ROUNDS})`, hostdeck: hw, peer: aw, peerName: `${peerName}, ControlPersist masters reused` }),
    entry({ ...common, metric: `health tick, ${FLEET} servers, every connection opened in the tick (median of ${HOSTDECK_ROUNDS} vs ${ANSIBLE_ROUNDS})`, hostdeck: hc, peer: ac, peerName: `${peerName}, fresh connections` }),
    ...budgetRows,
  ];
}
