/** Presence settings: defaults, group resolution, and validation of what the UI sends. */
import type { PresenceSettingsDto } from '../../contract/fleet.js';
import { DEFAULT_FLAP } from './flapping.js';
import { MAX_USER_RULES, validateUserRule } from './conventions/user-rules.js';

/** Per-device settings entries kept at most (declared devices show as never-seen). */
export const MAX_DEVICE_SETTINGS = 10_000;
export const MAX_GROUPS = 100;

export function defaultPresenceSettings(): PresenceSettingsDto {
  return {
    userRules: [],
    devices: {},
    groups: [],
    flapTransitions: DEFAULT_FLAP.transitions,
    flapWindowSec: DEFAULT_FLAP.windowMs / 1000,
    flapQuietSec: DEFAULT_FLAP.quietMs / 1000,
    flapCooldownSec: DEFAULT_FLAP.cooldownMs / 1000,
  };
}

/** `*` any run of characters, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

const compiled = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (!re) {
    if (compiled.size > 1000) compiled.clear();
    re = globToRegExp(pattern);
    compiled.set(pattern, re);
  }
  return re;
}

export function groupOf(settings: PresenceSettingsDto, id: string, name: string, own: string | undefined): string | null {
  if (own) return own;
  for (const g of settings.groups) {
    const re = glob(g.match);
    if (re.test(id) || re.test(name)) return g.name;
  }
  return null;
}

/** Problems with a settings document, or an empty list. */
export function settingsProblems(s: PresenceSettingsDto): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(s.flapTransitions) || s.flapTransitions < 2 || s.flapTransitions > 1000) problems.push('flapTransitions must be an integer 2–1000');
  if (!(s.flapWindowSec >= 1 && s.flapWindowSec <= 86_400)) problems.push('flapWindowSec must be 1–86400');
  // an episode must outlast the window that started it, or the next burst would start a new one
  if (s.flapQuietSec !== undefined && !(s.flapQuietSec >= s.flapWindowSec && s.flapQuietSec <= 604_800)) problems.push('flapQuietSec must be at least flapWindowSec and at most 604800');
  if (s.flapCooldownSec !== undefined && !(s.flapCooldownSec >= 0 && s.flapCooldownSec <= 604_800)) problems.push('flapCooldownSec must be 0–604800');
  if (s.userRules.length > MAX_USER_RULES) problems.push(`at most ${MAX_USER_RULES} user rules`);
  for (const rule of s.userRules) {
    const problem = validateUserRule(rule);
    if (problem) problems.push(`rule ${rule.id}: ${problem}`);
  }
  if (Object.keys(s.devices).length > MAX_DEVICE_SETTINGS) problems.push(`at most ${MAX_DEVICE_SETTINGS} device entries`);
  for (const [id, d] of Object.entries(s.devices)) {
    if (d.expectedIntervalSec !== undefined && !(d.expectedIntervalSec > 0 && d.expectedIntervalSec <= 31_622_400)) problems.push(`device ${id}: expectedIntervalSec must be > 0 and at most a year`);
  }
  if (s.groups.length > MAX_GROUPS) problems.push(`at most ${MAX_GROUPS} groups`);
  return problems;
}
