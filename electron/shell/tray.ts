/**
 * The tray icon: shows the broker's status (colour + tooltip + first menu line) and keeps
 * the app reachable while the window is hidden. Quit here is the explicit way to stop the
 * broker.
 */

import type { BrokerStatsDto, BrokerStatusDto } from '../contract/index.js';
import type { ElectronApi, Electron } from './electron-api.js';
import { discBitmap } from './tray-icon.js';

export interface TrayOptions {
  onShow: () => void;
  onQuit: () => void;
}

export interface StatusTray {
  update(status: BrokerStatusDto, stats: BrokerStatsDto | null): void;
  /** what the tray currently says (tests and logs) */
  label(): string;
  destroy(): void;
}

export function statusLabel(status: BrokerStatusDto, stats: BrokerStatsDto | null): string {
  switch (status.state) {
    case 'running': {
      const tcp = status.listeners.find((l) => l.transport === 'tcp');
      const clients = stats ? `, ${stats.clientsConnected} client${stats.clientsConnected === 1 ? '' : 's'}` : '';
      return `Broker running on port ${tcp?.port ?? '?'}${clients}`;
    }
    case 'failed':
      return `Broker stopped: ${status.error ?? 'failed to start'}`;
    default:
      return `Broker ${status.state}`;
  }
}

function icon(electron: Pick<ElectronApi, 'nativeImage'>, state: BrokerStatusDto['state']): Electron.NativeImage {
  const image = electron.nativeImage.createFromBitmap(discBitmap(state, 16), { width: 16, height: 16, scaleFactor: 1 });
  image.addRepresentation({ buffer: discBitmap(state, 32), width: 32, height: 32, scaleFactor: 2 });
  return image;
}

export function createStatusTray(
  electron: Pick<ElectronApi, 'Tray' | 'Menu' | 'nativeImage'>,
  initial: BrokerStatusDto,
  options: TrayOptions,
): StatusTray {
  const tray = new electron.Tray(icon(electron, initial.state));
  let label = '';
  let state = initial.state;
  tray.on('click', options.onShow);

  const update = (status: BrokerStatusDto, stats: BrokerStatsDto | null): void => {
    const next = statusLabel(status, stats);
    if (status.state !== state) {
      state = status.state;
      tray.setImage(icon(electron, state));
    }
    if (next === label) return;
    label = next;
    tray.setToolTip(`Fleetwatch — ${label}`);
    tray.setContextMenu(
      electron.Menu.buildFromTemplate([
        { label, enabled: false },
        { type: 'separator' },
        { label: 'Show Fleetwatch', click: options.onShow },
        { label: 'Quit Fleetwatch (stops the broker)', click: options.onQuit },
      ]),
    );
  };
  update(initial, null);
  return { update, label: () => label, destroy: () => tray.destroy() };
}
