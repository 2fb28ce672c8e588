// The fleet map's graph without a browser: grouping by roles and first tag, sites and queues on
// their servers, jump-host and nameserver edges (merged into a collapsed group with the worst
// state), search marks matches and opens their groups; ELK's layout of 200 servers has no two
// boxes overlapping, every server inside its group.
import { describe, expect, it } from 'vitest';
import type { FleetMap } from '../../shared/api/fleet';
import { buildGraph, groupOf, serverNodeId, ZONES_GROUP, zoneNodeId, type MapGraph } from '../../src-renderer/fleet-map/graph';
import { layoutGraph, type Box } from '../../src-renderer/fleet-map/layout';

const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
type S = FleetMap['servers'][number];
const server = (n: number, v: Partial<S> = {}): S => ({ id: id(n), name: `srv${n}`, host: `10.0.0.${n}`, roles: ['web'], tags: ['prod'], jumpHostId: null, status: 'ok', reason: '', ...v });

function fleet(): FleetMap {
  return {
    servers: [
      server(1, { name: 'bastion', roles: [], tags: ['edge'] }),
      server(2, { name: 'web1', jumpHostId: id(1) }),
      server(3, { name: 'web2', jumpHostId: id(1), status: 'down' }),
      server(4, { name: 'db1', roles: ['db'], jumpHostId: id(1), status: 'alert' }),
      server(5, { name: 'ns1', roles: ['ns'], tags: [] }),
      server(6, { name: 'ns2', roles: ['ns'], tags: [] }),
      server(7, { name: 'combo', roles: ['db', 'web'], tags: ['prod', 'x'] }),
    ],
    sites: [
      { serverId: id(2), name: 'shop', suspended: false, domains: ['shop.example.com'] },
      { serverId: id(2), name: 'blog', suspended: true, domains: [] },
    ],
    zones: [
      { name: 'example.com', nameservers: [{ serverId: id(5), state: 'in-sync' }, { serverId: id(6), state: 'stale' }] },
      { name: 'example.org', nameservers: [{ serverId: id(5), state: 'missing' }, { serverId: id(6), state: 'in-sync' }] },
    ],
    queues: [{ serverId: id(3), pending: 2, running: 0, failed: 1 }],
  };
}

const groups = (g: MapGraph) => g.nodes.filter((n) => n.kind === 'group').map((n) => n.title);

describe('fleet map graph', () => {
  it('groups by roles and first tag, in role order', () => {
    expect(groupOf({ roles: ['web', 'db'], tags: ['prod', 'x'] })).toMatchObject({ title: 'web + db · prod' });
    const g = buildGraph(fleet(), new Set(), '');
    expect(groups(g)).toEqual(['web · prod', 'web + db · prod', 'db · prod', 'ns · untagged', 'no role · edge', 'DNS zones']);
    const web1 = g.nodes.find((n) => n.id === serverNodeId(id(2)));
    expect(web1).toMatchObject({ kind: 'server', parent: 'group:web|prod', sites: [{ name: 'shop' }, { name: 'blog' }], queue: null });
    expect(g.nodes.find((n) => n.id === serverNodeId(id(3)))).toMatchObject({ queue: { failed: 1 } });
    const webGroup = g.nodes.find((n) => n.id === 'group:web|prod');
    expect(webGroup).toMatchObject({ size: 2, counts: { ok: 1, down: 1 } });
  });

  it('draws jump routes from the jump host and which nameserver serves which zone, with its state', () => {
    const g = buildGraph(fleet(), new Set(), '');
    const jumps = g.edges.filter((e) => e.kind === 'jump').map((e) => `${e.source}>${e.target}`);
    expect(jumps.sort()).toEqual([2, 3, 4].map((n) => `${serverNodeId(id(1))}>${serverNodeId(id(n))}`).sort());
    const dns = g.edges.filter((e) => e.kind === 'dns').map((e) => `${e.source}>${e.target}:${e.state}`);
    expect(dns.sort()).toEqual([
      `${serverNodeId(id(5))}>${zoneNodeId('example.com')}:in-sync`,
      `${serverNodeId(id(5))}>${zoneNodeId('example.org')}:missing`,
      `${serverNodeId(id(6))}>${zoneNodeId('example.com')}:stale`,
      `${serverNodeId(id(6))}>${zoneNodeId('example.org')}:in-sync`,
    ]);
  });

  it('a collapsed group stands for its servers: their edges end at it, merged, with the worst state', () => {
    const g = buildGraph(fleet(), new Set(['group:web|prod', 'group:ns|', ZONES_GROUP]), '');
    expect(g.nodes.some((n) => n.id === serverNodeId(id(2)))).toBe(false);
    expect(g.nodes.find((n) => n.id === 'group:web|prod')).toMatchObject({ collapsed: true });
    expect(g.edges.filter((e) => e.kind === 'jump').map((e) => e.target).sort()).toEqual(['group:web|prod', serverNodeId(id(4))].sort());
    expect(g.edges.filter((e) => e.kind === 'dns')).toEqual([{ id: `dns:group:ns|->${ZONES_GROUP}`, source: 'group:ns|', target: ZONES_GROUP, kind: 'dns', state: 'missing' }]);
  });

  it('search marks servers by name, host, tag, site or domain and zones by name, opening collapsed groups that hold a match', () => {
    const g = buildGraph(fleet(), new Set(['group:web|prod']), 'shop.example');
    expect(g.matches).toEqual([serverNodeId(id(2))]);
    expect(g.nodes.find((n) => n.id === 'group:web|prod')).toMatchObject({ collapsed: false, match: true });
    expect(buildGraph(fleet(), new Set([ZONES_GROUP]), 'example.org').matches).toEqual([zoneNodeId('example.org')]);
    expect(buildGraph(fleet(), new Set(), '10.0.0.4').matches).toEqual([serverNodeId(id(4))]);
  });
});

describe('fleet map layout', () => {
  const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it('lays out 200 servers in groups, zones and routes without overlapping boxes', async () => {
    const servers: S[] = [server(1, { name: 'bastion', roles: [], tags: ['edge'] })];
    for (let n = 2; n <= 200; n++) {
      const roles = n % 10 === 0 ? (['db'] as const) : n % 25 === 1 ? (['ns'] as const) : (['web'] as const);
      servers.push(server(n, { roles: [...roles], tags: [n % 3 ? 'prod' : 'staging'], jumpHostId: n % 7 === 0 ? id(1) : null, status: n % 13 === 0 ? 'warn' : 'ok' }));
    }
    const ns = servers.filter((s) => s.roles.includes('ns'));
    const map: FleetMap = {
      servers,
      sites: servers.slice(0, 60).flatMap((s, i) => Array.from({ length: i % 5 }, (_, k) => ({ serverId: s.id, name: `site${i}x${k}`, suspended: false, domains: [`s${i}-${k}.example.com`] }))),
      zones: Array.from({ length: 30 }, (_, z) => ({ name: `zone${z}.example`, nameservers: ns.map((s) => ({ serverId: s.id, state: 'in-sync' as const })) })),
      queues: [{ serverId: id(5), pending: 0, running: 1, failed: 0 }],
    };
    const g = buildGraph(map, new Set(), '');
    const started = performance.now();
    const layout = await layoutGraph(g);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(10_000);
    const top = g.nodes.filter((n) => n.kind === 'group').map((n) => layout.get(n.id)!);
    for (const [i, a] of top.entries()) for (const b of top.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    for (const group of g.nodes.filter((n) => n.kind === 'group')) {
      const box = layout.get(group.id)!;
      const inner = g.nodes.filter((n) => n.kind !== 'group' && n.parent === group.id).map((n) => layout.get(n.id)!);
      for (const [i, a] of inner.entries()) {
        expect(a.x >= 0 && a.y >= 40 && a.x + a.width <= box.width && a.y + a.height <= box.height).toBe(true);
        for (const b of inner.slice(i + 1)) expect(overlap(a, b)).toBe(false);
      }
    }
    console.log(`layout of ${g.nodes.length} nodes and ${g.edges.length} edges: ${Math.round(ms)} ms`);
  });
});
