// The fleet map (a tab): every server in its group (roles and first tag) with its health
// colour, queue state and sites; DNS zones with the nameservers serving them; jump-host routes.
// Drawn with React Flow (zoom, pan, minimap), laid out by ELK; a search dims what does not
// match and zooms to what does; groups collapse to one box. Everything opens its own tab.
import '@xyflow/react/dist/style.css';
import './fleet-map.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Background, Controls, MarkerType, MiniMap, ReactFlow, ReactFlowProvider, useReactFlow, type Edge } from '@xyflow/react';
import type { FleetMap } from '../../shared/api/fleet';
import type { HealthStatus } from '../../shared/api/health';
import { AppError } from '../../shared/errors';
import { client } from '../client/client';
import { ErrorNote } from '../components/ErrorNote';
import { statusLabel } from '../health/notify';
import type { Tab } from '../tabs/tab';
import { buildGraph, groupOf, nsHealth, type MapGraph } from './graph';
import { GroupView, ServerView, ZoneView, type Actions, type FleetFlowNode } from './FleetNodes';
import { layoutGraph, type Layout } from './layout';

const nodeTypes = { fleetGroup: GroupView, fleetServer: ServerView, fleetZone: ZoneView };
const fleetMapKey = ['fleet.map'] as const;

/** A health colour as the stylesheet defines it (minimap and edges draw outside CSS classes). */
function cssColour(status: HealthStatus): string {
  const name = status === 'ok' ? '--ok' : status === 'warn' ? '--warn' : status === 'unknown' ? '--muted' : '--danger';
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

type Props = { onOpenServer: (id: string) => void; onOpenTab: (tab: Tab) => void };

export function FleetMapTab(props: Props) {
  return (
    <ReactFlowProvider>
      <FleetMapView {...props} />
    </ReactFlowProvider>
  );
}

/** Room for the zoom buttons (left) and the minimap (right), so that no node starts under them. */
const FIT_PADDING = { top: '16px', bottom: '16px', left: '56px', right: '196px' } as const;
const MINIMAP = { width: 170, height: 120 };
const BIG_FLEET = 40;
const BIG_GROUP = 12;

function bigGroups(map: FleetMap): Set<string> {
  if (map.servers.length <= BIG_FLEET) return new Set();
  const sizes = new Map<string, number>();
  for (const s of map.servers) sizes.set(groupOf(s).key, (sizes.get(groupOf(s).key) ?? 0) + 1);
  return new Set([...sizes].filter(([, n]) => n > BIG_GROUP).map(([key]) => key));
}

function FleetMapView({ onOpenServer, onOpenTab }: Props) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const map = useQuery({ queryKey: fleetMapKey, queryFn: () => client.call('fleet.map', {}), refetchInterval: 30_000 });
  const [chosen, setCollapsed] = useState<Set<string> | null>(null);
  // A large fleet opens with its big groups folded (their counts readable at a glance).
  const collapsed = useMemo(() => chosen ?? (map.data ? bigGroups(map.data) : new Set<string>()), [chosen, map.data]);
  const [search, setSearch] = useState('');
  const [layout, setLayout] = useState<{ key: string; boxes: Layout } | null>(null);
  const [layoutError, setLayoutError] = useState<AppError | null>(null);
  const flow = useReactFlow();
  const theme = document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';

  // Health results arrive one server at a time: refetch at most every 2 s, not once per server.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const later = () => {
      timer ??= setTimeout(() => {
        timer = null;
        void queryClient.invalidateQueries({ queryKey: fleetMapKey });
      }, 2000);
    };
    const offs = [client.on('health.changed', later), client.on('queue.changed', later), client.on('inventory.changed', later)];
    return () => {
      offs.forEach((off) => off());
      if (timer) clearTimeout(timer);
    };
  }, [queryClient]);

  const graph: MapGraph | null = useMemo(() => (map.data ? buildGraph(map.data, collapsed, search) : null), [map.data, collapsed, search]);
  // Only what changes sizes or routes is laid out again (a health colour is not).
  const structure = useMemo(() => (graph ? JSON.stringify([graph.nodes.map((n) => (n.kind === 'server' ? [n.id, n.parent, n.sites.length, !!n.queue] : n.kind === 'group' ? [n.id, n.collapsed] : [n.id])), graph.edges.map((e) => e.id)]) : ''), [graph]);
  useEffect(() => {
    if (!graph) return;
    let current = true;
    layoutGraph(graph).then(
      (boxes) => current && setLayout({ key: structure, boxes }),
      (e: unknown) => current && setLayoutError(new AppError('internal', t('The map could not be laid out.'), { details: e instanceof Error ? e.message : String(e) })),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- laid out again only when the structure changes
  }, [structure]);

  const actions: Actions = {
    openServer: onOpenServer,
    openSite: (serverId, site) => onOpenTab({ id: `sites:${serverId}`, kind: 'sites', serverId, site }),
    openSites: (serverId) => onOpenTab({ id: `sites:${serverId}`, kind: 'sites', serverId }),
    openQueue: (serverId) => onOpenTab({ id: `queue:${serverId}`, kind: 'queue', serverId }),
    openZone: (zone) => onOpenTab({ id: 'dns', kind: 'dns', serverId: null, zone }),
    toggle: (groupId) =>
      setCollapsed(() => {
        const next = new Set(collapsed);
        if (!next.delete(groupId)) next.add(groupId);
        return next;
      }),
  };
  const actionsRef = useRef(actions);
  actionsRef.current = actions;
  const stable: Actions = useMemo(
    () => ({
      openServer: (...a) => actionsRef.current.openServer(...a),
      openSite: (...a) => actionsRef.current.openSite(...a),
      openSites: (...a) => actionsRef.current.openSites(...a),
      openQueue: (...a) => actionsRef.current.openQueue(...a),
      openZone: (...a) => actionsRef.current.openZone(...a),
      toggle: (...a) => actionsRef.current.toggle(...a),
    }),
    [],
  );

  const ready = graph && layout && layout.key === structure ? { graph, boxes: layout.boxes } : null;
  const searching = search.trim().length > 0;
  const nodes: FleetFlowNode[] = useMemo(() => {
    if (!ready) return [];
    return ready.graph.nodes.flatMap((n): FleetFlowNode[] => {
      const box = ready.boxes.get(n.id);
      if (!box) return [];
      const dimmed = searching && !n.match;
      const base = { id: n.id, position: { x: box.x, y: box.y }, width: box.width, height: box.height, draggable: false, selectable: false };
      if (n.kind === 'group') return [{ ...base, type: 'fleetGroup', data: { ...n, actions: stable, dimmed }, style: { width: box.width, height: box.height }, zIndex: 0 }];
      const child = { ...base, parentId: n.parent, extent: 'parent' as const, zIndex: 1 };
      return n.kind === 'server' ? [{ ...child, type: 'fleetServer', data: { ...n, actions: stable, dimmed } }] : [{ ...child, type: 'fleetZone', data: { ...n, actions: stable, dimmed } }];
    });
  }, [ready, searching, stable]);

  const edges: Edge[] = useMemo(() => {
    if (!ready) return [];
    return ready.graph.edges.map((e) => {
      const colour = e.kind === 'jump' ? 'var(--accent)' : cssColour(nsHealth(e.state));
      return {
        id: e.id,
        source: e.source,
        target: e.target,
        className: `fm-edge fm-edge-${e.kind}`,
        zIndex: 2,
        style: { stroke: colour, strokeWidth: 1.6, strokeDasharray: e.kind === 'jump' ? '6 4' : undefined, opacity: searching ? 0.25 : 0.8 },
        markerEnd: { type: MarkerType.ArrowClosed, color: colour, width: 14, height: 14 },
        data: { state: e.state },
      };
    });
  }, [ready, searching, theme]);

  // A new search zooms to what it found; the first layout shows everything.
  const fitted = useRef(false);
  useEffect(() => {
    if (!ready || nodes.length === 0) return;
    const frame = requestAnimationFrame(() => {
      if (searching && ready.graph.matches.length) void flow.fitView({ nodes: ready.graph.matches.map((id) => ({ id })), duration: 300, maxZoom: 1.1, padding: FIT_PADDING });
      else if (!fitted.current || !searching) void flow.fitView({ duration: fitted.current ? 300 : 0, padding: FIT_PADDING });
      fitted.current = true;
    });
    return () => cancelAnimationFrame(frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the search or the layout changes
  }, [search, ready?.boxes]);

  const data = map.data;
  const counts = data ? (['down', 'alert', 'warn', 'unknown', 'ok'] as HealthStatus[]).map((s) => [s, data.servers.filter((x) => x.status === s).length] as const).filter(([, n]) => n > 0) : [];
  const groupIds = graph?.nodes.filter((n) => n.kind === 'group').map((n) => n.id) ?? [];

  return (
    <section className="panel fleet-map" aria-label={t('Fleet map')}>
      <header className="fm-toolbar">
        <h2>{t('Fleet map')}</h2>
        <input
          type="search"
          className="fm-search"
          placeholder={t('Find a server, site, domain or zone…')}
          aria-label={t('Find on the map')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setSearch('')}
        />
        {searching && graph && <span className="muted" role="status">{graph.matches.length ? t('{{count, number}} found', { count: graph.matches.length }) : t('nothing found')}</span>}
        <span className="fm-summary" aria-label={t('Fleet summary')}>
          {counts.map(([s, n]) => (
            <span key={s} className={`fm-count status-${s}`} title={`${n} ${t(statusLabel[s])}`}>
              <span className={`light light-${s}`} aria-hidden="true" /> {n}
            </span>
          ))}
        </span>
        <span className="spacer" />
        <button onClick={() => setCollapsed(new Set())} disabled={collapsed.size === 0}>{t('Expand all')}</button>
        <button onClick={() => setCollapsed(new Set(groupIds))}>{t('Collapse all')}</button>
      </header>
      <div className="fm-legend muted">
        <span><span className="fm-legend-line fm-legend-jump" /> {t('reached through (jump host)')}</span>
        <span><span className="fm-legend-line fm-legend-dns" /> {t('nameserver serves zone (colour: its state)')}</span>
      </div>
      {map.error && <ErrorNote error={map.error instanceof AppError ? map.error : new AppError('internal', t('The fleet could not be read.'))} />}
      {layoutError && <ErrorNote error={layoutError} />}
      <div className="fm-canvas">
        {data && data.servers.length === 0 ? (
          <p className="muted fm-empty">{t('No servers yet: add one, and it shows here with its sites and routes.')}</p>
        ) : !ready ? (
          <p className="muted fm-empty">{t('Laying out the fleet…')}</p>
        ) : (
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            colorMode={theme}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            onlyRenderVisibleElements
            minZoom={0.05}
            maxZoom={2}
            proOptions={{ hideAttribution: true }}
            ariaLabelConfig={{ 'controls.ariaLabel': t('Map controls'), 'controls.zoomIn.ariaLabel': t('Zoom in'), 'controls.zoomOut.ariaLabel': t('Zoom out'), 'controls.fitView.ariaLabel': t('Fit the whole map'), 'minimap.ariaLabel': t('Overview of the fleet map') }}
          >
            <Background gap={24} size={1} />
            <Controls showInteractive={false} />
            <MiniMap
              style={MINIMAP}
              pannable
              zoomable
              ariaLabel={t('Overview of the fleet map')}
              nodeColor={(n) => {
                const d = n.data as { kind?: string; server?: { status: HealthStatus }; worst?: Parameters<typeof nsHealth>[0] };
                if (d.kind === 'server' && d.server) return cssColour(d.server.status);
                if (d.kind === 'zone') return cssColour(nsHealth(d.worst ?? null));
                return 'transparent';
              }}
              nodeStrokeColor={(n) => ((n.data as { kind?: string }).kind === 'group' ? cssColour('unknown') : 'transparent')}
            />
          </ReactFlow>
        )}
      </div>
    </section>
  );
}
