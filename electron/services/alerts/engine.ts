/**
 * The alert engine: turns presence events into alerts according to the rules, and keeps the
 * outage log in step. Pure logic on the caller's clock (tick(now)); the service persists and
 * notifies.
 *
 * - offline: raised once the device has stayed offline `minOfflineSec`; take-overs never alert
 *   (the device is right back, and fights are reported as duplicate client ids);
 * - grouping: offline alerts falling due are held for `groupWindowSec`; when at least
 *   `groupMinDevices` are held, they become ONE group alert (a switch or access point died);
 * - back online: only for a device we alerted about (offline, overdue, flapping), so a blip
 *   shorter than the minimum duration makes no noise at all;
 * - flapping / overdue / duplicate client id / silent telemetry: at once, once per episode
 *   (presence already turns repetitions into one state or flag). A flapping episode that presence
 *   resumes within its cooldown keeps its `since`: no second flapping alert, and (not being
 *   alerted anew) no second back-online when it settles.
 */
import type { AlertDto, AlertKind, AlertSettingsDto } from '../../contract/alerts.js';
import type { StatusReason } from '../../contract/fleet.js';
import type { PresenceEvent } from '../presence/events.js';
import type { StatusRecord } from '../presence/device.js';
import { REASON_TEXT, formatDuration } from '../presence/reason-text.js';
import { newId } from '../../persistence/nedb-collection.js';
import { defaultAlertSettings, rulesFor } from './rules.js';
import { SilentTopicWatch } from './silent-topics.js';

export interface DeviceInfo {
  name: string;
  group: string | null;
}

export interface AlertEngineHooks {
  describe(deviceId: string): DeviceInfo | undefined;
  raise(alert: AlertDto): void;
  outageStart(deviceId: string, start: number, reason: StatusReason): void;
  outageEnd(deviceId: string, end: number): void;
  /** the "alerted in this outage" memory changed (since, or null when forgotten): kept across restarts */
  remembered?(deviceId: string, since: number | null): void;
}

interface Held {
  deviceId: string;
  name: string;
  group: string | null;
  since: number;
  reason: StatusReason;
}

const isDown = (s: StatusRecord): boolean => s.status === 'offline' || s.status === 'overdue';
/** names listed in a group alert's body before "and N more" */
const GROUP_NAMES_SHOWN = 10;

export class AlertEngine {
  private settings: AlertSettingsDto = defaultAlertSettings();
  /** offline devices waiting for their minimum offline duration */
  private readonly pending = new Map<string, Held & { dueAt: number }>();
  /** due offline alerts held for the grouping window */
  private held: Held[] = [];
  private heldSince = 0;
  /** devices alerted about in their current outage: they get a back-online alert */
  private readonly alerted = new Map<string, number>();
  /** the `since` of the flapping episode last alerted per device (bounded by the registry: forgotten with the device) */
  private readonly flapAlerted = new Map<string, number>();
  readonly silentTopics = new SilentTopicWatch();
  /** when the memory of an earlier run was restored */
  private restoredAt: number | null = null;

  constructor(private readonly hooks: AlertEngineHooks) {}

  /** The memory of an earlier run (alert-memory.ts); call before presence restores its devices. */
  restoreAlerted(entries: Iterable<readonly [string, number]>, now: number): void {
    for (const [id, since] of entries) {
      this.alerted.set(id, since);
      // a remembered flapping episode keeps its since: resumed after the restart, it is not new
      this.flapAlerted.set(id, since);
    }
    this.restoredAt = now;
  }

  /** A flapping or overdue episode that began before the restart, about a device alerted then, was alerted then. */
  private alertedBeforeRestart(id: string, since: number): boolean {
    return this.restoredAt !== null && since < this.restoredAt && this.alerted.has(id);
  }

  setSettings(settings: AlertSettingsDto): void {
    this.settings = settings;
    this.silentTopics.setRules(settings.silentTopics);
  }

  getSettings(): AlertSettingsDto {
    return this.settings;
  }

  presence(e: PresenceEvent): void {
    switch (e.type) {
      case 'status':
        this.status(e.deviceId, e.name, e.previous, e.current, e.previousBase, e.base, e.at);
        break;
      case 'flag':
        if (!e.raised) break;
        this.flag(e.deviceId, e.name, e.flag, e.at);
        break;
      case 'merged':
        this.forget(e.from, e.at, e.into);
        break;
      case 'removed':
        this.forget(e.deviceId, e.at, null);
        break;
    }
  }

  /** Every routed message, for silent-topic rules. */
  message(topicName: string, now: number): void {
    this.silentTopics.message(topicName, now);
  }

  tick(now: number): void {
    for (const [id, p] of this.pending) {
      if (p.dueAt > now) continue;
      this.pending.delete(id);
      // The window opens when the first held alert fell due (not when we noticed it).
      if (this.held.length === 0 || p.dueAt < this.heldSince) this.heldSince = p.dueAt;
      this.held.push(p);
    }
    if (this.held.length > 0 && now >= this.heldSince + this.settings.groupWindowSec * 1000) this.flushHeld(now);
    for (const s of this.silentTopics.due(now)) {
      this.raise(now, 'silent-topic', {
        title: `${s.topicName} went silent`,
        body: `No message for ${formatDuration(now - s.lastAt)} (rule: every ${formatDuration(s.rule.maxSilenceSec * 1000)})`,
        deviceIds: [],
        topicName: s.topicName,
        since: s.lastAt,
      });
    }
  }

  private status(id: string, name: string, previous: StatusRecord, current: StatusRecord, previousBase: StatusRecord, base: StatusRecord, at: number): void {
    if (!isDown(previousBase) && isDown(base)) this.hooks.outageStart(id, base.since, base.reason);
    else if (isDown(previousBase) && !isDown(base)) this.hooks.outageEnd(id, at);

    if (previous.status === current.status && previous.reason === current.reason) return;
    const info = this.hooks.describe(id) ?? { name, group: null };
    const rules = rulesFor(this.settings, id, info.group);
    if (current.status === 'offline' && current.reason !== 'taken-over') {
      if (rules.offline && !this.pending.has(id) && !this.held.some((h) => h.deviceId === id)) {
        this.pending.set(id, { deviceId: id, name: info.name, group: info.group, since: current.since, reason: current.reason, dueAt: current.since + rules.minOfflineSec * 1000 });
      }
    } else {
      this.unhold(id);
    }
    if (current.status === 'online' && this.alerted.has(id)) {
      const downSince = this.alerted.get(id) ?? previous.since;
      this.unmark(id);
      if (rules.backOnline) {
        this.raise(at, 'back-online', {
          title: `${info.name} back online`,
          body: `Back after ${formatDuration(at - downSince)}`,
          deviceIds: [id],
          group: info.group,
          reason: current.reason,
          since: downSince,
        });
      }
    }
    // Once per episode, also across a restart: the restored episode keeps its `since`.
    if (current.status === 'flapping' && rules.flapping && !this.alertedBeforeRestart(id, current.since) && this.flapAlerted.get(id) !== current.since) {
      this.flapAlerted.set(id, current.since);
      this.markAlerted(id, current.since);
      this.raise(at, 'flapping', {
        title: `${info.name} is flapping`,
        body: current.detail ?? REASON_TEXT.transitions,
        deviceIds: [id],
        group: info.group,
        reason: current.reason,
        since: current.since,
      });
    }
    if (current.status === 'overdue' && rules.overdue && !this.alertedBeforeRestart(id, current.since)) {
      this.markAlerted(id, current.since);
      this.raise(at, 'overdue', {
        title: `${info.name} is overdue`,
        body: `It should have woken up by ${new Date(current.since).toISOString()}`,
        deviceIds: [id],
        group: info.group,
        reason: current.reason,
        since: current.since,
      });
    }
    this.tick(at);
  }

  private flag(id: string, name: string, flag: Extract<PresenceEvent, { type: 'flag' }>['flag'], at: number): void {
    const info = this.hooks.describe(id) ?? { name, group: null };
    const rules = rulesFor(this.settings, id, info.group);
    if (flag.kind === 'duplicate-client-id' && rules.duplicateClientId) {
      this.raise(at, 'duplicate-client-id', {
        title: `Two devices share the client id ${id}`,
        body: `${flag.takeovers} take-overs in a minute, from ${flag.addresses.join(' and ')}`,
        deviceIds: [id],
        group: info.group,
        since: flag.since,
      });
    }
    if (flag.kind === 'silent-telemetry' && rules.silentTopic) {
      this.raise(at, 'silent-topic', {
        title: `${info.name} stopped reporting telemetry`,
        body: `Still connected, but nothing on ${flag.topicName} for ${formatDuration(at - flag.lastAt)} (expected at least every ${formatDuration(flag.expectedWithinMs)})`,
        deviceIds: [id],
        topicName: flag.topicName,
        group: info.group,
        since: flag.lastAt,
      });
    }
  }

  /** A device record went away (merged into `into`, or shed): settle what we held for it. */
  private forget(id: string, at: number, into: string | null): void {
    this.unhold(id);
    this.flapAlerted.delete(id);
    this.hooks.outageEnd(id, at);
    const downSince = this.alerted.get(id);
    this.unmark(id);
    if (downSince === undefined || into === null) return;
    // A topic-only record merges when its device reconnects: that is the device coming back.
    const info = this.hooks.describe(into);
    const rules = rulesFor(this.settings, into, info?.group ?? null);
    if (!rules.backOnline) return;
    this.raise(at, 'back-online', {
      title: `${info?.name ?? into} back online`,
      body: `Back after ${formatDuration(at - downSince)}`,
      deviceIds: [into],
      group: info?.group ?? null,
      reason: 'session',
      since: downSince,
    });
  }

  private unhold(id: string): void {
    this.pending.delete(id);
    this.held = this.held.filter((h) => h.deviceId !== id);
  }

  private markAlerted(id: string, since: number): void {
    if (this.alerted.has(id)) return;
    this.alerted.set(id, since);
    this.hooks.remembered?.(id, since);
  }

  private unmark(id: string): void {
    if (this.alerted.delete(id)) this.hooks.remembered?.(id, null);
  }

  private flushHeld(now: number): void {
    const held = this.held;
    this.held = [];
    for (const h of held) this.markAlerted(h.deviceId, h.since);
    if (held.length >= this.settings.groupMinDevices) {
      const reasons = new Map<StatusReason, number>();
      for (const h of held) reasons.set(h.reason, (reasons.get(h.reason) ?? 0) + 1);
      const reasonText = [...reasons].map(([r, n]) => `${REASON_TEXT[r]} ×${n}`).join(', ');
      const names = held.slice(0, GROUP_NAMES_SHOWN).map((h) => h.name);
      const more = held.length > GROUP_NAMES_SHOWN ? ` and ${held.length - GROUP_NAMES_SHOWN} more` : '';
      const first = Math.min(...held.map((h) => h.since));
      const last = Math.max(...held.map((h) => h.since));
      const groups = new Set(held.map((h) => h.group));
      this.raise(now, 'group-offline', {
        title: `${held.length} devices went offline`,
        body: `${last - first < 1000 ? 'At once' : `Within ${formatDuration(last - first)}`}: ${names.join(', ')}${more} (${reasonText})`,
        deviceIds: held.map((h) => h.deviceId),
        group: groups.size === 1 ? (held[0]?.group ?? null) : null,
        reason: reasons.size === 1 ? (held[0]?.reason ?? null) : null,
        since: first,
      });
      return;
    }
    for (const h of held) {
      this.raise(now, 'offline', {
        title: `${h.name} offline`,
        body: `${REASON_TEXT[h.reason]}; offline for ${formatDuration(now - h.since)}`,
        deviceIds: [h.deviceId],
        group: h.group,
        reason: h.reason,
        since: h.since,
      });
    }
  }

  private raise(
    at: number,
    kind: AlertKind,
    a: { title: string; body: string; deviceIds: string[]; since: number; topicName?: string; group?: string | null; reason?: StatusReason | null },
  ): void {
    this.hooks.raise({
      id: newId(at),
      kind,
      title: a.title,
      body: a.body,
      deviceIds: a.deviceIds,
      topicName: a.topicName ?? null,
      group: a.group ?? null,
      reason: a.reason ?? null,
      at,
      since: a.since,
      acknowledged: false,
      acknowledgedAt: null,
    });
  }
}
