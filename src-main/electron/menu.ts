// The application menu: standard roles, a theme choice kept in the shell preferences, and reload
// and devtools only in development.
import { Menu, nativeTheme, type MenuItemConstructorOptions } from 'electron';
import { isDev } from './dev-mode';
import type { PrefStore, Theme } from './shell-prefs';

function setTheme(prefs: PrefStore, theme: Theme): void {
  nativeTheme.themeSource = theme;
  prefs.set('theme', theme);
}

export function buildMenu(prefs: PrefStore): void {
  const current = prefs.get('theme');
  const themeItem = (theme: Theme, label: string): MenuItemConstructorOptions => ({
    label,
    type: 'radio',
    checked: current === theme,
    click: () => setTheme(prefs, theme),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        ...(isDev
          ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[])
          : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { label: 'Theme', submenu: [themeItem('system', 'Follow System'), themeItem('light', 'Light'), themeItem('dark', 'Dark')] },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
