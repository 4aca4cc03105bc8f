/**
 * Structural parsing of the presence and alert settings documents from `unknown` (a settings
 * file on disk, a request from the UI). Returns the typed document or a message; range checks
 * beyond shape live in settingsProblems / alertSettingsProblems.
 */
import type { AlertRulesDto, AlertSettingsDto, SilentTopicRuleDto } from '../../contract/alerts.js';
import type { DeviceSettingsDto, GroupDto, PresenceSettingsDto, UserRuleDto } from '../../contract/fleet.js';

export const MAX_ID_CHARS = 256;
export const MAX_FILTER_CHARS = 1024;
export const MAX_PAYLOADS = 20;
export const MAX_PAYLOAD_CHARS = 256;
const MAX_LIST = 10_000;

type Obj = Record<string, unknown>;

class Bad extends Error {}

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Bad(`${where} must be an object`);
  return v as Obj;
}

function only(o: Obj, where: string, keys: readonly string[]): void {
  const extra = Object.keys(o).filter((k) => !keys.includes(k));
  if (extra.length > 0) throw new Bad(`${where}: unexpected field(s) ${extra.join(', ')}`);
}

function str(v: unknown, where: string, max: number, min = 1): string {
  if (typeof v !== 'string' || v.length < min || v.length > max) throw new Bad(`${where} must be a string of ${min}–${max} characters`);
  return v;
}

function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Bad(`${where} must be a number`);
  return v;
}

function bool(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new Bad(`${where} must be true or false`);
  return v;
}

function list<T>(v: unknown, where: string, max: number, item: (x: unknown, w: string) => T): T[] {
  if (!Array.isArray(v)) throw new Bad(`${where} must be a list`);
  if (v.length > max) throw new Bad(`${where} has more than ${max} entries`);
  return v.map((x, i) => item(x, `${where}[${i}]`));
}

function record<T>(v: unknown, where: string, item: (x: unknown, w: string) => T): Record<string, T> {
  const o = obj(v, where);
  const keys = Object.keys(o);
  if (keys.length > MAX_LIST) throw new Bad(`${where} has more than ${MAX_LIST} entries`);
  const out: Record<string, T> = {};
  for (const k of keys) {
    str(k, `${where} key`, MAX_ID_CHARS);
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') throw new Bad(`${where} key '${k}' is not allowed`);
    out[k] = item(o[k], `${where}.${k}`);
  }
  return out;
}

const payloads = (v: unknown, w: string) => list(v, w, MAX_PAYLOADS, (x, ww) => str(x, ww, MAX_PAYLOAD_CHARS, 0));

function userRule(v: unknown, w: string): UserRuleDto {
  const o = obj(v, w);
  only(o, w, ['id', 'topicFilter', 'nameLevel', 'onlinePayloads', 'offlinePayloads', 'sleepingPayloads']);
  const rule: UserRuleDto = {
    id: str(o['id'], `${w}.id`, MAX_ID_CHARS),
    topicFilter: str(o['topicFilter'], `${w}.topicFilter`, MAX_FILTER_CHARS),
    onlinePayloads: payloads(o['onlinePayloads'], `${w}.onlinePayloads`),
    offlinePayloads: payloads(o['offlinePayloads'], `${w}.offlinePayloads`),
  };
  if (o['nameLevel'] !== undefined) {
    const n = num(o['nameLevel'], `${w}.nameLevel`);
    if (!Number.isInteger(n) || n < 0 || n > 64) throw new Bad(`${w}.nameLevel must be an integer 0–64`);
    rule.nameLevel = n;
  }
  if (o['sleepingPayloads'] !== undefined) rule.sleepingPayloads = payloads(o['sleepingPayloads'], `${w}.sleepingPayloads`);
  return rule;
}

function deviceSettings(v: unknown, w: string): DeviceSettingsDto {
  const o = obj(v, w);
  only(o, w, ['expectedIntervalSec', 'expected', 'group']);
  const d: DeviceSettingsDto = {};
  if (o['expectedIntervalSec'] !== undefined) d.expectedIntervalSec = num(o['expectedIntervalSec'], `${w}.expectedIntervalSec`);
  if (o['expected'] !== undefined) d.expected = bool(o['expected'], `${w}.expected`);
  if (o['group'] !== undefined) d.group = str(o['group'], `${w}.group`, MAX_ID_CHARS);
  return d;
}

function group(v: unknown, w: string): GroupDto {
  const o = obj(v, w);
  only(o, w, ['name', 'match']);
  return { name: str(o['name'], `${w}.name`, MAX_ID_CHARS), match: str(o['match'], `${w}.match`, MAX_FILTER_CHARS) };
}

export function parsePresenceSettings(input: unknown): PresenceSettingsDto | string {
  try {
    const o = obj(input, 'settings');
    only(o, 'settings', ['userRules', 'devices', 'groups', 'flapTransitions', 'flapWindowSec', 'flapQuietSec', 'flapCooldownSec']);
    const settings: PresenceSettingsDto = {
      userRules: list(o['userRules'], 'userRules', MAX_LIST, userRule),
      devices: record(o['devices'], 'devices', deviceSettings),
      groups: list(o['groups'], 'groups', MAX_LIST, group),
      flapTransitions: num(o['flapTransitions'], 'flapTransitions'),
      flapWindowSec: num(o['flapWindowSec'], 'flapWindowSec'),
    };
    // added later: files of older versions lack them (then they follow the window)
    if (o['flapQuietSec'] !== undefined) settings.flapQuietSec = num(o['flapQuietSec'], 'flapQuietSec');
    if (o['flapCooldownSec'] !== undefined) settings.flapCooldownSec = num(o['flapCooldownSec'], 'flapCooldownSec');
    return settings;
  } catch (err) {
    if (err instanceof Bad) return err.message;
    throw err;
  }
}

const RULE_KEYS = ['offline', 'minOfflineSec', 'backOnline', 'flapping', 'overdue', 'silentTopic', 'duplicateClientId'] as const;

function rules(v: unknown, w: string, partial: boolean): Partial<AlertRulesDto> {
  const o = obj(v, w);
  only(o, w, RULE_KEYS);
  const out: Partial<AlertRulesDto> = {};
  for (const k of RULE_KEYS) {
    if (o[k] === undefined) {
      if (!partial) throw new Bad(`${w}.${k} is required`);
      continue;
    }
    if (k === 'minOfflineSec') out.minOfflineSec = num(o[k], `${w}.${k}`);
    else out[k] = bool(o[k], `${w}.${k}`);
  }
  return out;
}

function silentRule(v: unknown, w: string): SilentTopicRuleDto {
  const o = obj(v, w);
  only(o, w, ['id', 'topicFilter', 'maxSilenceSec']);
  return { id: str(o['id'], `${w}.id`, MAX_ID_CHARS), topicFilter: str(o['topicFilter'], `${w}.topicFilter`, MAX_FILTER_CHARS), maxSilenceSec: num(o['maxSilenceSec'], `${w}.maxSilenceSec`) };
}

export function parseAlertSettings(input: unknown): AlertSettingsDto | string {
  try {
    const o = obj(input, 'settings');
    only(o, 'settings', ['defaults', 'groups', 'devices', 'groupWindowSec', 'groupMinDevices', 'silentTopics']);
    return {
      defaults: rules(o['defaults'], 'defaults', false) as AlertRulesDto,
      groups: record(o['groups'], 'groups', (x, w) => rules(x, w, true)),
      devices: record(o['devices'], 'devices', (x, w) => rules(x, w, true)),
      groupWindowSec: num(o['groupWindowSec'], 'groupWindowSec'),
      groupMinDevices: num(o['groupMinDevices'], 'groupMinDevices'),
      silentTopics: list(o['silentTopics'], 'silentTopics', MAX_LIST, silentRule),
    };
  } catch (err) {
    if (err instanceof Bad) return err.message;
    throw err;
  }
}
