// Desktop notifications through the web Notification API in both modes: Electron's renderer
// maps it to native notifications (the shell grants the permission to our own page only), the
// browser asks its user. Permission is requested only from a click, as browsers require.
import { useState } from 'react';
import type { HealthChange, HealthStatus } from '../../shared/api/health';
import { i18n, msg } from '../i18n';
import { healthReason } from './reason-text';

export type Permission = NotificationPermission | 'unsupported';

const supported = (): boolean => typeof Notification !== 'undefined';

export function useNotificationPermission(): [Permission, () => Promise<void>] {
  const [permission, setPermission] = useState<Permission>(supported() ? Notification.permission : 'unsupported');
  const request = async () => {
    if (supported()) setPermission(await Notification.requestPermission());
  };
  return [permission, request];
}

/** A status's name, as a translation key (t(statusLabel[s])). */
export const statusLabel: Record<HealthStatus, string> = { ok: msg('OK'), warn: msg('needs a look'), alert: msg('needs action'), down: msg('down'), unknown: msg('unknown') };

/** Also a desktop notification's title, so it goes through i18n.t outside React. */
export function changeTitle(change: HealthChange): string {
  const server = change.serverName;
  switch (change.to) {
    case 'ok': return i18n.t('{{server}} is OK again', { server });
    case 'warn': return i18n.t('{{server}} needs a look', { server });
    case 'alert': return i18n.t('{{server}} needs action', { server });
    case 'down': return i18n.t('{{server}} is down', { server });
    case 'unknown': return i18n.t('{{server}} cannot be checked', { server });
  }
}

export function notifyDesktop(change: HealthChange): void {
  if (!supported() || Notification.permission !== 'granted') return;
  // One notification per server at a time (a newer one replaces it), also across windows.
  new Notification(changeTitle(change), { body: healthReason(change.reason), tag: `hostdeck-health-${change.serverId}` });
}
