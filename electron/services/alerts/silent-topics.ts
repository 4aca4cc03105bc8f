/**
 * User silent-topic rules: every topic matching a rule's filter must publish at least every
 * `maxSilenceSec`. Only topics that published at least once are watched (a topic that never
 * existed cannot be told from a typo). At most MAX_WATCHED topics; the least recently active
 * are shed and counted.
 */
import type { SilentTopicRuleDto } from '../../contract/alerts.js';
import { matchFilter } from './rules.js';

export const MAX_WATCHED = 10_000;

interface Watched {
  rule: SilentTopicRuleDto;
  lastAt: number;
  alerted: boolean;
}

export class SilentTopicWatch {
  private rules: SilentTopicRuleDto[] = [];
  private readonly topics = new Map<string, Watched>();
  shed = 0;

  constructor(private readonly maxWatched = MAX_WATCHED) {}

  setRules(rules: SilentTopicRuleDto[]): void {
    this.rules = rules;
    for (const [topic, w] of this.topics) {
      const rule = rules.find((r) => matchFilter(r.topicFilter, topic));
      if (rule) w.rule = rule;
      else this.topics.delete(topic);
    }
  }

  /** returns true when the topic was silent (alerted) and speaks again */
  message(topicName: string, now: number): boolean {
    if (this.rules.length === 0) return false;
    const existing = this.topics.get(topicName);
    const rule = existing?.rule ?? this.rules.find((r) => matchFilter(r.topicFilter, topicName));
    if (!rule) return false;
    this.topics.delete(topicName);
    this.topics.set(topicName, { rule, lastAt: now, alerted: false });
    if (this.topics.size > this.maxWatched) {
      const oldest = this.topics.keys().next().value;
      if (oldest !== undefined) this.topics.delete(oldest);
      this.shed++;
    }
    return existing?.alerted ?? false;
  }

  /** topics that just went silent */
  due(now: number): Array<{ topicName: string; rule: SilentTopicRuleDto; lastAt: number }> {
    const out: Array<{ topicName: string; rule: SilentTopicRuleDto; lastAt: number }> = [];
    for (const [topicName, w] of this.topics) {
      if (!w.alerted && now - w.lastAt > w.rule.maxSilenceSec * 1000) {
        w.alerted = true;
        out.push({ topicName, rule: w.rule, lastAt: w.lastAt });
      }
    }
    return out;
  }
}
