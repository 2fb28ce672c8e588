// Asks for the desktop notification permission (browsers grant it only from a click) or says
// how things stand.
import { useTranslation } from 'react-i18next';
import { useNotificationPermission } from './notify';

export function NotificationsButton() {
  const { t } = useTranslation();
  const [permission, request] = useNotificationPermission();
  if (permission === 'granted') return <span className="muted notif-state">{t('Desktop notifications on')}</span>;
  if (permission === 'denied') return <span className="muted notif-state" title={t("Allow notifications for this page in the browser's site settings")}>{t('Desktop notifications blocked')}</span>;
  if (permission === 'unsupported') return <span className="muted notif-state">{t('No desktop notifications here')}</span>;
  return <button onClick={() => void request()}>{t('Enable desktop notifications')}</button>;
}
