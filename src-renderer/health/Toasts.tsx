// In-app toasts for health alerts, shown whatever the desktop notification permission is.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HealthChange } from '../../shared/api/health';
import { changeTitle } from './notify';
import { healthReason } from './reason-text';

const SHOWN_MS = 10_000;
const MAX_SHOWN = 4;

type Toast = { id: number; change: HealthChange };

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const push = useCallback((change: HealthChange) => {
    const id = next.current++;
    setToasts((all) => [...all, { id, change }].slice(-MAX_SHOWN));
  }, []);
  return { toasts, push, dismiss };
}

export function Toasts({ toasts, onDismiss, onOpen }: { toasts: Toast[]; onDismiss: (id: number) => void; onOpen: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="toasts" role="status" aria-live="polite" aria-label={t('Notifications')}>
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} onDismiss={onDismiss} onOpen={onOpen} />
      ))}
    </div>
  );
}

function ToastItem({ toast, onDismiss, onOpen }: { toast: Toast; onDismiss: (id: number) => void; onOpen: () => void }) {
  const { t } = useTranslation();
  useEffect(() => {
    const timer = setTimeout(() => onDismiss(toast.id), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [toast.id, onDismiss]);
  const { change } = toast;
  return (
    <div className={`toast toast-${change.to}`}>
      <span className={`light light-${change.to}`} aria-hidden="true" />
      <button className="link-plain toast-body" onClick={onOpen} title={t('Open fleet health')}>
        <strong>{changeTitle(change)}</strong>
        <span>{healthReason(change.reason)}</span>
      </button>
      <button className="close" aria-label={t('Dismiss')} onClick={() => onDismiss(toast.id)}>×</button>
    </div>
  );
}
