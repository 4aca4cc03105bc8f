/**
 * Contract area `alerts`: alert rules, the persisted alert history with acknowledge, and the
 * alerts pushed as they are raised (the Electron shell turns them into desktop notifications,
 * the browser UI into Notification API notifications plus its in-app list).
 */

import type { StatusReason } from './fleet.js';

export type AlertKind =
  | 'offline'
  | 'back-online'
  | 'flapping'
  | 'overdue'
  /** a device's periodic telemetry, or a watched topic, went quiet */
  | 'silent-topic'
  | 'duplicate-client-id'
  /** many devices went offline within the grouping window: one alert for all */
  | 'group-offline';

export interface AlertDto {
  id: string;
  kind: AlertKind;
  title: string;
  body: string;
  /** one device, several for group-offline, none for a watched topic */
  deviceIds: string[];
  /** the topic a silent-topic alert is about */
  topicName: string | null;
  group: string | null;
  reason: StatusReason | null;
  /** when the alert was raised, ms since epoch */
  at: number;
  /** when the condition began (e.g. offline since) */
  since: number;
  acknowledged: boolean;
  acknowledgedAt: number | null;
}

/** Which alerts to raise; `defaults` apply unless a group or device entry overrides a field. */
export interface AlertRulesDto {
  offline: boolean;
  /** an offline device must stay offline this long before it alerts (0 = at once) */
  minOfflineSec: number;
  backOnline: boolean;
  flapping: boolean;
  overdue: boolean;
  silentTopic: boolean;
  duplicateClientId: boolean;
}

export interface SilentTopicRuleDto {
  id: string;
  /** an MQTT topic filter; every matching topic must publish at least every maxSilenceSec */
  topicFilter: string;
  maxSilenceSec: number;
}

export interface AlertSettingsDto {
  defaults: AlertRulesDto;
  /** per group name (see fleet settings groups) */
  groups: Record<string, Partial<AlertRulesDto>>;
  /** per device id */
  devices: Record<string, Partial<AlertRulesDto>>;
  /** offline alerts falling due within this window are considered together… */
  groupWindowSec: number;
  /** …and become one group alert when at least this many devices are involved */
  groupMinDevices: number;
  silentTopics: SilentTopicRuleDto[];
}

export interface AlertListDto {
  /** most recent first */
  alerts: AlertDto[];
  total: number;
  unacknowledged: number;
  /** alerts dropped from the history because of its bound */
  shed: number;
  /** what went wrong loading the history (a corrupt file moved aside), for the UI to show */
  problems: string[];
}

export interface AlertsRequests {
  'alerts.list': { request: { limit?: number; unacknowledgedOnly?: boolean }; response: AlertListDto };
  /** acknowledge some alerts, or all of them when `ids` is omitted */
  'alerts.acknowledge': { request: { ids?: string[] }; response: { acknowledged: string[] } };
  'alerts.settings': { request: Record<string, never>; response: AlertSettingsDto };
  'alerts.setSettings': { request: AlertSettingsDto; response: AlertSettingsDto };
}

export interface AlertsEvents {
  'alerts.raised': AlertDto;
  'alerts.acknowledged': { ids: string[] };
}
