/**
 * Wires presence and alerts to a running broker for the composition root: the presence service
 * (fed by broker events), the alert service (nedb history and outage log in the data dir), the
 * two settings files, and the outputs — contract events for the UI and a notification per alert.
 */
import type { AlertDto, AlertSettingsDto } from '../../contract/alerts.js';
import type { FleetDeltaDto, PresenceSettingsDto } from '../../contract/fleet.js';
import { AlertService } from '../alerts/service.js';
import { alertSettingsProblems, defaultAlertSettings } from '../alerts/rules.js';
import { JsonSettingsFile } from './json-settings.js';
import { PresenceService, type PresenceBrokerSource } from './service.js';
import { RegistryStore } from './registry-store.js';
import { defaultPresenceSettings, settingsProblems } from './settings.js';
import { parsePresenceSettings, parseAlertSettings } from './settings-parse.js';
import type { PublishedMessage } from '../../../broker-core/index.js';

export const PRESENCE_SETTINGS_FILE = 'presence-settings.json';
export const ALERT_SETTINGS_FILE = 'alert-settings.json';

export interface FleetOutputs {
  delta(delta: FleetDeltaDto): void;
  raised(alert: AlertDto): void;
  acknowledged(ids: string[]): void;
  /** a desktop notification (Electron) or a log line (headless) */
  notify(n: { title: string; body: string }): void;
  log(line: string): void;
}

export interface AttachedFleet {
  presence: PresenceService;
  alerts: AlertService;
  /** problems met loading the settings and stores (files moved aside), for the UI */
  problems: string[];
  setPresenceSettings(s: PresenceSettingsDto): Promise<PresenceSettingsDto>;
  setAlertSettings(s: AlertSettingsDto): Promise<AlertSettingsDto>;
  close(): Promise<void>;
}

export class SettingsRejected extends Error {}

export interface FleetOptions {
  /** the clock presence and alerts run on (tests jump it forward); Date.now by default */
  now?: () => number;
  /** how often changed devices are saved to devices.db (registry-store.ts SAVE_MS by default) */
  saveMs?: number;
}

export async function attachFleet(
  broker: PresenceBrokerSource & { on(event: 'message.published', listener: (msg: PublishedMessage) => void): unknown },
  dataDir: string,
  out: FleetOutputs,
  options: FleetOptions = {},
): Promise<AttachedFleet> {
  const presenceFile = new JsonSettingsFile<PresenceSettingsDto>(dataDir, PRESENCE_SETTINGS_FILE, parsePresenceSettings, defaultPresenceSettings);
  const alertFile = new JsonSettingsFile<AlertSettingsDto>(dataDir, ALERT_SETTINGS_FILE, parseAlertSettings, defaultAlertSettings);
  const presenceSettings = await presenceFile.load();
  const alertSettings = await alertFile.load();
  const registry = await RegistryStore.open(dataDir);
  const presence = new PresenceService({
    onDelta: (d) => out.delta(d),
    persistence: { store: registry.store, devices: registry.devices, ...(options.saveMs === undefined ? {} : { saveMs: options.saveMs }) },
    log: out.log,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  presence.setSettings(presenceSettings.value);
  const alerts = await AlertService.open({
    dataDir,
    presence,
    log: out.log,
    onRaised: (alert) => {
      out.raised(alert);
      out.notify({ title: alert.title, body: alert.body });
    },
    onAcknowledged: (ids) => out.acknowledged(ids),
  });
  alerts.setSettings(alertSettings.value);
  presence.attach(broker);
  let open = true;
  broker.on('message.published', (msg) => {
    if (open) alerts.message(msg.topicName);
  });
  const problems = [presenceSettings.problem, alertSettings.problem, ...alerts.problems, ...registry.store.problems.map((p) => p.message)].filter((p): p is string => p !== null);
  for (const p of registry.store.problems) out.log(`fleetwatch: ${p.message}`);
  for (const p of [presenceSettings.problem, alertSettings.problem]) if (p) out.log(`fleetwatch: ${p}`);
  return {
    presence,
    alerts,
    problems,
    async setPresenceSettings(s) {
      const bad = settingsProblems(s);
      if (bad.length > 0) throw new SettingsRejected(bad.join('; '));
      presence.setSettings(s);
      await presenceFile.save(s);
      return presence.settings();
    },
    async setAlertSettings(s) {
      const bad = alertSettingsProblems(s);
      if (bad.length > 0) throw new SettingsRejected(bad.join('; '));
      alerts.setSettings(s);
      await alertFile.save(s);
      return alerts.settings();
    },
    async close() {
      open = false;
      presence.flush();
      await presence.close();
      await alerts.close();
    },
  };
}
