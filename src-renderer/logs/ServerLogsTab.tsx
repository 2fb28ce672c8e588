// A server's Logs tab: the journal, syslog, nginx's and php-fpm's own logs (those the SSH user can
// read), live. Closing the tab stops the tail on the server.
import { useTranslation } from 'react-i18next';
import type { Server } from '../../shared/domain';
import { LogView } from './LogView';

export function ServerLogsTab({ server }: { server: Server }) {
  const { t } = useTranslation();
  return (
    <div className="logs-tab">
      <LogView serverId={server.id} label={t('Logs of {{name}}', { name: server.name })} />
    </div>
  );
}
