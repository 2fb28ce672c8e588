// A tab's title, its label in the strip and its body, each looked up in the registry by kind. Every
// open tab stays mounted (hidden when not active), so a terminal or a long result survives
// switching.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { i18n } from '../i18n';
import { useTerminalState } from '../terminal/status';
import { TAB_KINDS } from './registry';
import type { Tab, TabContext } from './tab';

/** The registry's entry for this tab's kind, seen through the union (each entry is typed by its own kind). */
function kindOf(tab: Tab): { title(tab: Tab, serverName?: string): string; body(tab: Tab, ctx: TabContext, server?: Server): ReactNode } {
  return TAB_KINDS[tab.kind] as never;
}

/** In the current language (callers re-render on a switch: they use useTranslation). */
export function tabTitle(tab: Tab, servers: Server[]): string {
  if (tab.serverId === null) return kindOf(tab).title(tab);
  const name = servers.find((s) => s.id === tab.serverId)?.name ?? i18n.t('removed server');
  return kindOf(tab).title(tab, name);
}

/** The tab strip's label: the title, and for a terminal a light for its connection state. */
export function TabLabel({ tab, servers }: { tab: Tab; servers: Server[] }) {
  useTranslation();
  if (tab.kind !== 'terminal') return <>{tabTitle(tab, servers)}</>;
  return <TerminalLabel tab={tab} title={tabTitle(tab, servers)} />;
}

function TerminalLabel({ tab, title }: { tab: Tab; title: string }) {
  const { t } = useTranslation();
  const state = useTerminalState(tab.id);
  return (
    <>
      <span className={`term-light term-${state}`} title={t('Terminal {{state}}', { state })} aria-hidden="true" />
      {title}
    </>
  );
}

export function TabBody({ tab, ctx }: { tab: Tab; ctx: TabContext }) {
  if (tab.serverId === null) return <>{kindOf(tab).body(tab, ctx)}</>;
  const server = ctx.servers.find((s) => s.id === tab.serverId);
  if (!server) return <p className="muted">{i18n.t('This server is no longer in the inventory.')}</p>;
  return <>{kindOf(tab).body(tab, ctx, server)}</>;
}
