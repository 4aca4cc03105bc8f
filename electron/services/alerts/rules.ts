/** Alert settings: defaults, per-group and per-device overrides, validation. */
import type { AlertRulesDto, AlertSettingsDto } from '../../contract/alerts.js';
import { matchFilter, validateUserRule } from '../presence/conventions/user-rules.js';

export const MAX_SILENT_TOPIC_RULES = 100;
export const MAX_OVERRIDES = 10_000;

export function defaultAlertSettings(): AlertSettingsDto {
  return {
    defaults: { offline: true, minOfflineSec: 30, backOnline: true, flapping: true, overdue: true, silentTopic: true, duplicateClientId: true },
    groups: {},
    devices: {},
    groupWindowSec: 5,
    groupMinDevices: 3,
    silentTopics: [],
  };
}

/** device entry over group entry over defaults, field by field */
export function rulesFor(settings: AlertSettingsDto, deviceId: string, group: string | null): AlertRulesDto {
  return { ...settings.defaults, ...(group === null ? {} : settings.groups[group]), ...settings.devices[deviceId] };
}

function ruleProblems(where: string, r: Partial<AlertRulesDto>): string[] {
  const problems: string[] = [];
  if (r.minOfflineSec !== undefined && !(r.minOfflineSec >= 0 && r.minOfflineSec <= 86_400)) problems.push(`${where}: minOfflineSec must be 0–86400`);
  return problems;
}

export function alertSettingsProblems(s: AlertSettingsDto): string[] {
  const problems = ruleProblems('defaults', s.defaults);
  for (const [g, r] of Object.entries(s.groups)) problems.push(...ruleProblems(`group ${g}`, r));
  for (const [d, r] of Object.entries(s.devices)) problems.push(...ruleProblems(`device ${d}`, r));
  if (Object.keys(s.devices).length + Object.keys(s.groups).length > MAX_OVERRIDES) problems.push(`at most ${MAX_OVERRIDES} overrides`);
  if (!(s.groupWindowSec >= 0 && s.groupWindowSec <= 600)) problems.push('groupWindowSec must be 0–600');
  if (!(Number.isInteger(s.groupMinDevices) && s.groupMinDevices >= 2 && s.groupMinDevices <= 10_000)) problems.push('groupMinDevices must be an integer ≥ 2');
  if (s.silentTopics.length > MAX_SILENT_TOPIC_RULES) problems.push(`at most ${MAX_SILENT_TOPIC_RULES} silent-topic rules`);
  for (const r of s.silentTopics) {
    const filterProblem = validateUserRule({ id: r.id, topicFilter: r.topicFilter, onlinePayloads: ['x'], offlinePayloads: [] });
    if (filterProblem) problems.push(`silent topic ${r.id}: ${filterProblem}`);
    if (!(r.maxSilenceSec >= 1 && r.maxSilenceSec <= 31_622_400)) problems.push(`silent topic ${r.id}: maxSilenceSec must be ≥ 1`);
  }
  return problems;
}

export { matchFilter };
