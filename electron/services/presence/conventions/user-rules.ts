/**
 * User-defined availability rules: a topic filter plus the payloads meaning online, offline and
 * (optionally) sleeping. They are tried before the built-in conventions, so a lab can override them.
 */
import type { Availability, UserRuleDto } from '../../../contract/fleet.js';
import type { AvailabilityMessage, AvailabilitySignal, Convention } from './types.js';

/** Rules kept at most (each is tried on every message of an unlinked topic). */
export const MAX_USER_RULES = 200;

/** Returns the values matched by `+` levels, or undefined when the filter does not match. */
export function matchFilter(topicFilter: string, topicName: string): string[] | undefined {
  const filter = topicFilter.split('/');
  const topic = topicName.split('/');
  const captured: string[] = [];
  // [MQTT-4.7.2-1] filters starting with a wildcard do not match topics starting with '$'.
  if ((filter[0] === '+' || filter[0] === '#') && topicName.startsWith('$')) return undefined;
  for (let i = 0; i < filter.length; i++) {
    const f = filter[i];
    if (f === '#') return captured;
    const t = topic[i];
    if (t === undefined) return undefined;
    if (f === '+') captured.push(t);
    else if (f !== t) return undefined;
  }
  return filter.length === topic.length ? captured : undefined;
}

/** A rule is usable when its filter is valid MQTT and it names at least one payload. */
export function validateUserRule(rule: UserRuleDto): string | undefined {
  const levels = rule.topicFilter.split('/');
  if (rule.topicFilter === '') return 'empty topic filter';
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return "'#' must be the last level on its own";
    if (level.includes('+') && level !== '+') return "'+' must occupy a whole level";
  }
  if (rule.onlinePayloads.length + rule.offlinePayloads.length + (rule.sleepingPayloads?.length ?? 0) === 0) return 'no payloads';
  return undefined;
}

export class UserRules implements Convention {
  readonly id = 'user-rule' as const;
  readonly label = 'User rule';
  private rules: UserRuleDto[] = [];

  set(rules: UserRuleDto[]): void {
    this.rules = rules.filter((r) => validateUserRule(r) === undefined).slice(0, MAX_USER_RULES);
  }

  list(): UserRuleDto[] {
    return this.rules;
  }

  match({ topicName, payload }: AvailabilityMessage): AvailabilitySignal | undefined {
    for (const rule of this.rules) {
      const captured = matchFilter(rule.topicFilter, topicName);
      if (!captured) continue;
      const word = payload.trim();
      const availability: Availability | undefined = rule.onlinePayloads.includes(word)
        ? 'online'
        : rule.offlinePayloads.includes(word)
          ? 'offline'
          : rule.sleepingPayloads?.includes(word)
            ? 'sleeping'
            : undefined;
      if (!availability) continue;
      const name = captured[rule.nameLevel ?? 0] ?? topicName;
      return { convention: 'user-rule', name, availability, availabilityTopic: topicName, selfReported: true, word };
    }
    return undefined;
  }
}
