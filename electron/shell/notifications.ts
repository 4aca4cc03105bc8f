/**
 * Desktop notifications for the alert features. Where the platform has none (some Linux
 * desktops), the notification is logged instead of lost.
 */

import type { AppNotification, Notify } from '../app/create-app.js';
import type { ElectronApi } from './electron-api.js';

export function createNotifier(
  electron: Pick<ElectronApi, 'Notification'>,
  options: { onClick?: () => void; log: (line: string) => void },
): Notify {
  return (n: AppNotification) => {
    if (!electron.Notification.isSupported()) {
      options.log(`fleetwatch: notification (not supported here): ${n.title}: ${n.body}`);
      return;
    }
    const notification = new electron.Notification({ title: n.title, body: n.body });
    if (options.onClick) notification.on('click', options.onClick);
    notification.show();
  };
}
