// The fleet: servers grouped by tag, each with its health light, narrowed by the search box and
// the role/tag/health filters. Only the rows in view are in the DOM (@tanstack/react-virtual, as
// the grids and logs use), so a search over 1,000 servers repaints a screenful, not the fleet.
// Up and down arrows move between the servers.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import type { ServerHealth } from '../../shared/api/health';
import { useStoppedQueues } from '../queue/hooks';
import { DriftBadge } from '../drift/DriftBadge';
import { filterFleet, fleetRows, NO_FILTERS, prepare, UNTAGGED, type FleetFilters as Filters, type FleetRow } from './fleet-filter';
import { FleetFilters } from './FleetFilters';

type Props = {
  servers: Server[];
  filter: string;
  selectedId: string | null;
  health: Record<string, ServerHealth>;
  onSelect: (id: string) => void;
};

const GROUP_ROW = 30;
const SERVER_ROW = 44;

export function Sidebar({ servers, filter, selectedId, health, onSelect }: Props) {
  const { t } = useTranslation();
  const stopped = useStoppedQueues();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const prepared = useMemo(() => prepare(servers), [servers]);
  const shown = useMemo(() => filterFleet(prepared, filter, filters, health), [prepared, filter, filters, health]);
  const rows = useMemo(() => fleetRows(shown), [shown]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i]!.kind === 'group' ? GROUP_ROW : SERVER_ROW),
    getItemKey: (i) => rowKey(rows[i]!),
    overscan: 8,
  });
  // Arrow keys move between servers; the row to focus may not be rendered yet, so it is focused
  // once the list has scrolled it into view and rendered it.
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null) return;
    const button = scroller.current?.querySelector<HTMLButtonElement>(`li[data-index="${focusRow}"] .server-item`);
    if (button) {
      button.focus();
      setFocusRow(null);
    }
  });
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const at = Number((e.target as HTMLElement).closest('li')?.dataset.index ?? Number.NaN);
    if (Number.isNaN(at)) return;
    e.preventDefault();
    const step = e.key === 'ArrowDown' ? 1 : -1;
    let next = at + step;
    while (rows[next]?.kind === 'group') next += step;
    if (!rows[next]) return;
    virtual.scrollToIndex(next, { align: 'auto' });
    setFocusRow(next);
  };

  if (servers.length === 0) return <p className="muted sidebar-empty">{t('No servers yet.')}</p>;
  const narrowed = filter.trim() !== '' || filters.role !== '' || filters.tag !== '' || filters.health !== '';
  return (
    <>
      <FleetFilters servers={servers} filters={filters} onChange={setFilters} />
      <p className="fleet-count muted" aria-live="polite" data-testid="fleet-count">
        {narrowed ? t('{{shown, number}} of {{count, number}} servers', { shown: shown.length, count: servers.length }) : t('{{count, number}} servers', { count: servers.length })}
      </p>
      {shown.length === 0 ? (
        <p className="muted sidebar-empty">{filter.trim() ? t('Nothing matches “{{filter}}”.', { filter }) : t('No server matches these filters.')}</p>
      ) : (
        <div className="fleet-scroll" ref={scroller} data-testid="fleet-list" data-shown={shown.length} data-search={filter} data-filters={`${filters.role}|${filters.tag}|${filters.health}`}>
          <nav aria-label={t('Fleet')} onKeyDown={onKeyDown}>
            <ul className="fleet-rows" style={{ height: virtual.getTotalSize() }}>
              {virtual.getVirtualItems().map((item) => {
                const row = rows[item.index]!;
                return (
                  <li key={item.key} data-index={item.index} ref={virtual.measureElement} style={{ transform: `translateY(${item.start}px)` }}>
                    {row.kind === 'group' ? (
                      <div className="group-title" role="heading" aria-level={3}>
                        {row.tag === UNTAGGED ? t('untagged') : row.tag} <span className="group-count">{row.count}</span>
                      </div>
                    ) : (
                      <ServerItem server={row.server} selected={row.server.id === selectedId} health={health[row.server.id]} stopped={stopped.has(row.server.id)} onSelect={onSelect} />
                    )}
                  </li>
                );
              })}
            </ul>
          </nav>
        </div>
      )}
    </>
  );
}

const rowKey = (row: FleetRow): string => (row.kind === 'group' ? `group:${row.tag}` : row.server.id);

function ServerItem({ server, selected, health, stopped, onSelect }: { server: Server; selected: boolean; health: ServerHealth | undefined; stopped: boolean; onSelect: (id: string) => void }) {
  const { t } = useTranslation();
  const status = health?.status ?? 'unknown';
  return (
    <button className={`server-item ${selected ? 'selected' : ''}`} onClick={() => onSelect(server.id)} aria-current={selected}>
      <span className={`light light-${status}`} aria-label={t('health {{status}}', { status })} title={health?.reason} />
      <span className="server-name">{server.name}</span>
      <span className="server-host muted">{server.host}</span>
      {stopped && <span className="badge queue-badge" title={t('Its task queue is stopped on a failed task')} aria-label={t('queue stopped')}>!</span>}
      <DriftBadge serverId={server.id} />
    </button>
  );
}
