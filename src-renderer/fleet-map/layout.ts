// Positions for the fleet map from ELK (elkjs): each group packs its servers (or zones) into a
// near-square block without overlaps (rectpacking), and the groups are placed left to right in
// layers along the routes between them (layered: jump hosts before the servers behind them,
// nameservers before the zones), so edges mostly run one way.
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { COLLAPSED_H, COLLAPSED_W, GROUP_HEADER, SERVER_W, ZONE_H, ZONE_W, serverHeight, type MapGraph } from './graph';

/** The narrowest an expanded group is drawn (its header: title, count, lights). */
const GROUP_MIN_W = 300;

export type Box = { x: number; y: number; width: number; height: number };
/** Node id -> box; a server's or zone's box is relative to its group. */
export type Layout = Map<string, Box>;

const elk = new ELK();

export async function layoutGraph(graph: MapGraph): Promise<Layout> {
  const children = new Map<string, ElkNode[]>();
  for (const n of graph.nodes) {
    if (n.kind === 'group') continue;
    const size = n.kind === 'server' ? { width: SERVER_W, height: serverHeight(n) } : { width: ZONE_W, height: ZONE_H };
    (children.get(n.parent) ?? children.set(n.parent, []).get(n.parent)!).push({ id: n.id, ...size });
  }
  const groupOf = new Map<string, string>();
  for (const n of graph.nodes) groupOf.set(n.id, n.kind === 'group' ? n.id : n.parent);
  // Between groups only: inside a group the packing ignores edges anyway.
  const groupEdges = new Map<string, { id: string; sources: string[]; targets: string[] }>();
  for (const e of graph.edges) {
    const a = groupOf.get(e.source);
    const b = groupOf.get(e.target);
    if (!a || !b || a === b) continue;
    groupEdges.set(`${a}->${b}`, { id: `${a}->${b}`, sources: [a], targets: [b] });
  }
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '90',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      'elk.padding': '[top=20,left=20,bottom=20,right=20]',
    },
    children: graph.nodes.flatMap((n): ElkNode[] => {
      if (n.kind !== 'group') return [];
      const inner = children.get(n.id) ?? [];
      if (n.collapsed || inner.length === 0) return [{ id: n.id, width: COLLAPSED_W, height: COLLAPSED_H }];
      return [
        {
          id: n.id,
          layoutOptions: {
            'elk.algorithm': 'rectpacking',
            'elk.aspectRatio': '1.6',
            'elk.spacing.nodeNode': '14',
            'elk.padding': `[top=${GROUP_HEADER + 8},left=14,bottom=14,right=14]`,
            // Room for the title, the count and the lights in the header also when the group holds one server.
            'elk.nodeSize.constraints': 'MINIMUM_SIZE',
            'elk.nodeSize.minimum': `(${GROUP_MIN_W}, 0)`,
            // Keep the order given (by name): neighbours in the list stay neighbours on screen.
            'elk.rectpacking.orderBySize': 'false',
          },
          children: inner,
        },
      ];
    }),
    edges: [...groupEdges.values()],
  };
  const laid = await elk.layout(root);
  const out: Layout = new Map();
  const walk = (node: ElkNode) => {
    for (const c of node.children ?? []) {
      out.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
      walk(c);
    }
  };
  walk(laid);
  return out;
}
