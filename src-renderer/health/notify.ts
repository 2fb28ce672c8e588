// Desktop notifications through the web Notification API in both modes: Electron's renderer
// maps it to native notifications (the shell grants the permission to our own page only), the
// browser asks its user. Permission is requested only from a click, as browsers require.
import { useState } from 'react';
import type { HealthChange, HealthStatus } from '../../shared/api/health';

export type Permission = NotificationPermission | 'unsupported';

const supported = (): boolean => typeof Notification !== 'undefined';

export function useNotificationPermission(): [Permission, () => Promise<void>] {
  const [permission, setPermission] = useState<Permission>(supported() ? Notification.permission : 'unsupported');
  const request = async () => {
    if (supported()) setPermission(await Notification.requestPermission());
  };
  return [permission, request];
}

export const statusLabel: Record<HealthStatus, string> = { ok: 'OK', warn: 'needs a look', alert: 'needs action', down: 'down', unknown: 'unknown' };

const changed: Record<HealthStatus, string> = { ok: 'is OK again', warn: 'needs a look', alert: 'needs action', down: 'is down', unknown: 'cannot be checked' };

export function changeTitle(change: HealthChange): string {
  return `${change.serverName} ${changed[change.to]}`;
}

export function notifyDesktop(change: HealthChange): void {
  if (!supported() || Notification.permission !== 'granted') return;
  // One notification per server at a time (a newer one replaces it), also across windows.
  new Notification(changeTitle(change), { body: change.reason, tag: `hostdeck-health-${change.serverId}` });
}
