// Asks for the desktop notification permission (browsers grant it only from a click) or says
// how things stand.
import { useNotificationPermission } from './notify';

export function NotificationsButton() {
  const [permission, request] = useNotificationPermission();
  if (permission === 'granted') return <span className="muted notif-state">Desktop notifications on</span>;
  if (permission === 'denied') return <span className="muted notif-state" title="Allow notifications for this page in the browser's site settings">Desktop notifications blocked</span>;
  if (permission === 'unsupported') return <span className="muted notif-state">No desktop notifications here</span>;
  return <button onClick={() => void request()}>Enable desktop notifications</button>;
}
