/**
 * The presence engine: turns what the broker sees (sessions, disconnect reasons, published
 * messages) into devices with a status, a reason and flags. It owns all presence state; it is
 * driven by calls (from the broker adapter in service.ts) and by `tick(now)` for the time-based
 * changes (overdue, end of flapping, silence). Time always comes from the caller's clock, so
 * tests drive it with a manual clock.
 */
import type { ClientInfo, DisconnectReason, PublishedMessage, Will } from '../../../broker-core/index.js';
import type { DeviceFlagDto, DeviceFlagKind, PresenceSettingsDto, SessionDto } from '../../contract/fleet.js';
import { Conventions, homieVersion, type AvailabilitySignal } from './conventions/index.js';
import { parseTelemetry, telemetryCandidate, type TelemetryReading } from './telemetry/index.js';
import { applyTelemetry } from './telemetry/apply.js';
import { MAX_AVAILABILITY_PAYLOAD, MAX_TELEMETRY_PAYLOAD, decodeBounded, preview } from './payload.js';
import { noteTopic, seen, willDto, type AvailabilityFact, type DeviceRecord } from './device.js';
import { DEFAULT_MAX_DEVICES, Registry } from './registry.js';
import { deriveBase, endReason, expectedWake, reconciliationFlags } from './status.js';
import { DEFAULT_FLAP, countsAsFlap, flapSettingsOf, formatWindow, type FlapSettings } from './flapping.js';
import type { PresenceEvent, PresenceListener } from './events.js';
import { defaultPresenceSettings, groupOf } from './settings.js';
import { restoreDevice } from './restore.js';
import { adoptIdentity, mergeInto } from './identity.js';
import { toPersisted, type PersistedDevice } from './registry-store.js';

/** The app's own in-process client is not a device. */
export const APP_CLIENT_ID = '$inline';

export interface EngineOptions {
  maxDevices?: number;
}

export class PresenceEngine {
  readonly conventions = new Conventions();
  readonly registry: Registry;
  private settings: PresenceSettingsDto = defaultPresenceSettings();
  private readonly listeners = new Set<PresenceListener>();
  private readonly dirty = new Set<string>();
  private readonly removed = new Set<string>();
  /** devices whose status or identity changed since the last save (registry-store.ts) */
  private readonly unsaved = new Set<string>();
  private readonly unsavedRemovals = new Set<string>();
  private now = 0;
  /** set while restoring devices whose state is old news (see restore) */
  private muted = false;

  constructor(options: EngineOptions = {}) {
    this.registry = new Registry(options.maxDevices ?? DEFAULT_MAX_DEVICES, () => this.flapSettings(), (d) => this.forget(d, true));
  }

  on(listener: PresenceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /* ───────────── broker facts ───────────── */

  clientConnected(info: ClientInfo, now: number): void {
    this.now = now;
    if (info.transport === 'inline' || info.clientId === APP_CLIENT_ID) return;
    const d = this.registry.create(info.clientId, info.clientId, now);
    d.clientId = info.clientId;
    // Some brokers report the new session before the old one's end: that old one was taken over.
    if (d.session) this.endSession(d, 'taken-over', null, now);
    if (d.sessions.length > 0 || d.lastEnded) d.reconnectCount += 1;
    const session: SessionDto = {
      address: info.address,
      transport: info.transport,
      protocol: info.protocol,
      keepalive: info.keepalive,
      cleanSession: info.cleanSession,
      will: info.will ? willDto(info.will) : null,
      connectedAt: now,
      endedAt: null,
      endReason: null,
      endDetail: null,
    };
    d.session = session;
    d.sessions.push(session);
    d.restarted = false;
    d.announcedSleep = null;
    seen(d, now);
    d.learner.connected(now);
    d.takeovers.connected(info.address);
    d.silence.restart();
    if (info.will) this.adoptWill(d, info.will, now);
    this.reevaluate(d, now);
  }

  clientDisconnected(info: ClientInfo & { reason: DisconnectReason; detail?: string }, now: number): void {
    this.now = now;
    const d = this.registry.get(info.clientId);
    // A session we already ended (taken over) or never saw: nothing to do.
    if (!d?.session || d.session.address !== info.address) return;
    this.endSession(d, endReason(info.reason), info.detail ?? null, now);
    this.reevaluate(d, now);
  }

  /** Every message the broker routed; `beforeStart` for retained messages found when attaching. */
  message(msg: PublishedMessage, now: number, beforeStart = false): void {
    this.now = now;
    const topic = msg.topicName;
    if (topic.startsWith('$')) return;
    const publisher = beforeStart || msg.publisherId === APP_CLIENT_ID ? undefined : this.registry.get(msg.publisherId);
    if (publisher && !msg.isWill) {
      seen(publisher, now);
      noteTopic(publisher, topic, msg.payload, msg.retain, now);
      this.dirty.add(publisher.id);
    }
    // Most messages are plain sensor data: decide from the topic before decoding anything.
    const small = msg.payload.byteLength <= MAX_AVAILABILITY_PAYLOAD;
    const availability = small && this.conventions.candidate(topic);
    const telemetry = telemetryCandidate(topic);
    const discovery = topic.endsWith('/config');
    const homie = topic.endsWith('/$homie');
    if (!availability && !telemetry && !discovery && !homie) return;
    const text = decodeBounded(msg.payload, MAX_TELEMETRY_PAYLOAD);
    if (text === undefined) return;
    if (discovery) this.conventions.discovery.learn({ topicName: topic, payload: text });
    const version = homie ? homieVersion(topic, text) : undefined;
    if (version) {
      const d = this.registry.byAvailabilityTopic(version.stateTopic) ?? publisher;
      if (d && d.convention?.startsWith('homie')) {
        d.convention = version.convention;
        this.dirty.add(d.id);
      }
      return;
    }
    const signal = availability ? this.conventions.match({ topicName: topic, payload: text }) : undefined;
    if (signal) {
      this.availability(signal, msg, publisher, now, beforeStart);
      return;
    }
    const reading = telemetry ? parseTelemetry(topic, text) : undefined;
    if (reading) this.telemetry(reading, msg, publisher, now);
  }

  /** Time-based changes: overdue wakes, flapping and fights that settled, silent telemetry. */
  tick(now: number): void {
    this.now = now;
    for (const d of this.registry.devices.values()) {
      const due = this.nextDeadline(d);
      if (due === null || due > now) continue;
      if (d.takeovers.settle(now)) this.clearFlag(d, 'duplicate-client-id', now);
      d.flap.settle(now);
      if (d.session && d.silence.isSilent(now) && !d.flags.has('silent-telemetry')) {
        this.raiseFlag(d, {
          kind: 'silent-telemetry',
          topicName: d.silence.lastTopic ?? '',
          lastAt: d.silence.lastAt ?? now,
          expectedWithinMs: d.silence.toleranceMs() ?? 0,
          since: now,
        }, now);
      }
      this.reevaluate(d, now);
    }
  }

  /** The earliest time `tick` has something to do for this device. */
  nextDeadline(d: DeviceRecord): number | null {
    const candidates: Array<number | null> = [d.flap.nextDeadline(), d.takeovers.nextDeadline()];
    if (d.session && !d.flags.has('silent-telemetry')) candidates.push(d.silence.nextDeadline());
    if (d.base.status === 'sleeping') {
      const wake = expectedWake(d);
      candidates.push(wake ? wake.deadline + 1 : null);
    }
    let min: number | null = null;
    for (const c of candidates) if (c !== null && (min === null || c < min)) min = c;
    return min;
  }

  /* ───────────── settings ───────────── */

  applySettings(settings: PresenceSettingsDto, now: number): void {
    this.now = now;
    this.settings = settings;
    this.conventions.userRules.set(settings.userRules);
    for (const [id, s] of Object.entries(settings.devices)) {
      if (s.expected && !this.registry.get(id)) this.registry.create(id, id, now).expected = true;
    }
    for (const d of this.registry.devices.values()) {
      d.flap.configure(this.flapSettings());
      this.reevaluate(d, now);
    }
  }

  getSettings(): PresenceSettingsDto {
    return this.settings;
  }

  flapSettings(): FlapSettings {
    const { flapTransitions, flapWindowSec, flapQuietSec, flapCooldownSec } = this.settings;
    if (!(flapTransitions > 1 && flapWindowSec > 0)) return DEFAULT_FLAP;
    const sec = (v: number | undefined) => (v !== undefined && v >= 0 ? v * 1000 : undefined);
    return flapSettingsOf(flapTransitions, flapWindowSec * 1000, sec(flapQuietSec), sec(flapCooldownSec));
  }

  /* ───────────── persistence across restarts ───────────── */

  /** Devices saved by an earlier run; call before attaching to the broker. Returns how many saved trackers were unusable. */
  restore(devices: PersistedDevice[], now: number): { trackersDamaged: number } {
    this.now = now;
    let trackersDamaged = 0;
    for (const p of devices) {
      const restored = restoreDevice(this.registry, this.conventions, p, now);
      if (!restored) continue;
      const d = restored.device;
      if (restored.trackersDamaged) trackersDamaged++;
      // Devices already down before the restart were alerted about then: restore them quietly.
      // Those the restart cut off are news (if they do not come back, that deserves an alert).
      this.muted = deriveBase(d, now).reason !== 'broker-restarted';
      this.reevaluate(d, now);
      this.muted = false;
    }
    this.unsaved.clear();
    return { trackersDamaged };
  }

  /** What to save: changed devices and removed ids since the last call. */
  drainUnsaved(now: number): { devices: PersistedDevice[]; removed: string[] } {
    const devices: PersistedDevice[] = [];
    for (const id of this.unsaved) {
      const d = this.registry.get(id);
      if (d) devices.push(toPersisted(d, now));
    }
    const removed = [...this.unsavedRemovals];
    this.unsaved.clear();
    this.unsavedRemovals.clear();
    return { devices, removed };
  }

  /** Every device, for the final save. */
  allForSave(now: number): PersistedDevice[] {
    this.unsaved.clear();
    return [...this.registry.devices.values()].map((d) => toPersisted(d, now));
  }

  /* ───────────── for the UI batcher ───────────── */

  /** Devices changed and removed since the last call. */
  drain(): { changed: DeviceRecord[]; removed: string[] } {
    const changed: DeviceRecord[] = [];
    for (const id of this.dirty) {
      const d = this.registry.get(id);
      if (d) changed.push(d);
    }
    const removed = [...this.removed];
    this.dirty.clear();
    this.removed.clear();
    return { changed, removed };
  }

  /* ───────────── internals ───────────── */

  /** A failing listener (the alert engine) must not leave a device half-updated or stop the others. */
  private emit(event: PresenceEvent): void {
    if (this.muted) return;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(`presence listener failed on ${event.type}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, 'FleetwatchPresenceWarning');
      }
    }
  }

  private endSession(d: DeviceRecord, reason: SessionDto['endReason'] & string, detail: string | null, now: number): void {
    const s = d.session;
    if (!s) return;
    s.endedAt = now;
    s.endReason = reason;
    s.endDetail = detail;
    d.lastEnded = s;
    d.session = null;
    seen(d, now);
    if (d.flags.has('silent-telemetry')) this.clearFlag(d, 'silent-telemetry', now);
    if (reason !== 'taken-over') {
      d.learner.ended(now);
      return;
    }
    d.learner.reset();
    const starts = d.takeovers.takenOver(now);
    const since = d.takeovers.fightingSince;
    if (since === null) return;
    const flag: DeviceFlagDto = { kind: 'duplicate-client-id', addresses: d.takeovers.culprits(), takeovers: d.takeovers.count(), since };
    if (starts) this.raiseFlag(d, flag, now);
    else d.flags.set('duplicate-client-id', flag);
  }

  private adoptWill(d: DeviceRecord, will: Will, now: number): void {
    const payload = decodeBounded(will.payload, MAX_AVAILABILITY_PAYLOAD) ?? '';
    if (d.clientId !== null) this.conventions.wills.register(will.topicName, d.clientId, payload);
    const owner = this.registry.byAvailabilityTopic(will.topicName);
    if (owner && owner !== d && owner.clientId === null) this.absorb(d, owner, now);
    this.registry.link(d, will.topicName);
    const signal = this.conventions.match({ topicName: will.topicName, payload });
    if (signal) adoptIdentity(this.registry, d, signal.convention, signal.name);
  }

  /** A device known only by its topics turns out to be `into`'s: keep one record. */
  private absorb(into: DeviceRecord, from: DeviceRecord, now: number): void {
    mergeInto(this.registry, into, from);
    this.forget(from, false);
    this.emit({ type: 'merged', from: from.id, into: into.id, at: now });
  }

  private forget(d: DeviceRecord, shed: boolean): void {
    if (!shed) this.registry.remove(d);
    for (const topic of d.availabilityTopics) if (d.clientId !== null) this.conventions.wills.unregister(topic, d.clientId);
    this.dirty.delete(d.id);
    this.removed.add(d.id);
    this.unsaved.delete(d.id);
    this.unsavedRemovals.add(d.id);
    if (shed) this.emit({ type: 'removed', deviceId: d.id, shed: true, at: this.now });
  }

  private availability(signal: AvailabilitySignal, msg: PublishedMessage, publisher: DeviceRecord | undefined, now: number, beforeStart: boolean): void {
    const topic = signal.availabilityTopic;
    // The publisher speaks for itself unless its own will points elsewhere (then it is a bridge).
    const ownWill = publisher?.session?.will ?? publisher?.lastEnded?.will ?? null;
    const selfClaim = publisher !== undefined && signal.selfReported && (msg.isWill || ownWill === null || ownWill.topicName === topic);
    let d = this.registry.byAvailabilityTopic(topic);
    if (d && publisher && d !== publisher && d.clientId === null && selfClaim) {
      this.absorb(publisher, d, now);
      d = publisher;
    }
    if (!d) {
      d = selfClaim && publisher ? publisher : (this.registry.byConventionName(signal.convention, signal.name) ?? this.registry.create(`${signal.convention}:${signal.name}`, signal.name, now));
      this.registry.link(d, topic);
    }
    if (selfClaim || d.clientId === null) adoptIdentity(this.registry, d, signal.convention, signal.name);
    const wakeAt = !beforeStart && signal.wakeInMs !== undefined ? now + signal.wakeInMs : null;
    const fact: AvailabilityFact = {
      topicName: msg.topicName,
      availability: signal.availability,
      word: signal.word ?? null,
      payload: preview(msg.payload),
      publisherId: msg.publisherId,
      isWill: msg.isWill,
      retained: msg.retain,
      at: now,
      fromSelf: publisher === d && !msg.isWill,
      selfReportedConvention: signal.selfReported,
      beforeStart,
      wakeAt,
    };
    d.availability = fact;
    if (msg.topicName === topic) {
      d.topicFacts.set(topic, fact);
      // bounded like the links themselves: forget topics no longer linked to this device
      if (d.topicFacts.size > d.availabilityTopics.length) for (const t of d.topicFacts.keys()) if (!d.availabilityTopics.includes(t)) d.topicFacts.delete(t);
    }
    if (signal.availability === 'sleeping' && publisher === d) d.announcedSleep = { at: now, wakeAt, word: fact.word };
    // Topic-only devices: a retained message from an earlier run says "known before the restart";
    // a fresh one from a live publisher (a bridge back online) is current news again.
    if (d.clientId === null) d.restarted = beforeStart && !d.session ? true : false;
    if (!beforeStart && !signal.selfReported && signal.availability === 'online') seen(d, now);
    this.reevaluate(d, now);
  }

  private telemetry(reading: TelemetryReading, msg: PublishedMessage, publisher: DeviceRecord | undefined, now: number): void {
    const d = publisher && !msg.isWill ? publisher : this.registry.byConventionName(reading.convention, reading.name);
    if (!d) return;
    if (d === publisher) adoptIdentity(this.registry, d, reading.convention, reading.name);
    applyTelemetry(d, reading, msg.topicName, now);
    if (reading.periodic && d.flags.has('silent-telemetry')) this.clearFlag(d, 'silent-telemetry', now);
    this.dirty.add(d.id);
  }

  private configure(d: DeviceRecord): void {
    const own = this.settings.devices[d.id] ?? (d.clientId === null ? undefined : this.settings.devices[d.clientId]) ?? this.settings.devices[d.name];
    d.declaredIntervalMs = own?.expectedIntervalSec !== undefined && own.expectedIntervalSec > 0 ? own.expectedIntervalSec * 1000 : null;
    d.expected = d.expected || own?.expected === true;
    d.group = groupOf(this.settings, d.id, d.name, own?.group);
  }

  private reevaluate(d: DeviceRecord, now: number): void {
    this.configure(d);
    const base = deriveBase(d, now);
    const previousBase = d.base;
    const baseChanged = base.status !== previousBase.status || base.reason !== previousBase.reason;
    if (baseChanged && countsAsFlap(previousBase, base)) d.flap.record(now);
    d.base = base;
    let status = base;
    if (d.flap.flappingSince !== null) {
      const n = d.flap.count(now);
      status = {
        status: 'flapping',
        reason: 'transitions',
        detail: `${n} changes in ${formatWindow(d.flap.windowMs)}, now ${base.status}`,
        since: d.flap.flappingSince,
      };
    }
    const previous = d.status;
    d.status = status;
    if (baseChanged || previous.status !== status.status || previous.reason !== status.reason) {
      this.emit({ type: 'status', deviceId: d.id, name: d.name, previous, current: status, previousBase, base, at: now });
    }
    this.syncReconciliation(d, now);
    this.dirty.add(d.id);
    this.unsaved.add(d.id);
  }

  private syncReconciliation(d: DeviceRecord, now: number): void {
    const current = reconciliationFlags(d);
    for (const kind of ['online-without-session', 'availability-contradicts-session'] as const) {
      const flag = current.find((f) => f.kind === kind);
      if (flag && !d.flags.has(kind)) this.raiseFlag(d, flag, now);
      else if (flag) d.flags.set(kind, flag);
      else if (d.flags.has(kind)) this.clearFlag(d, kind, now);
    }
  }

  private raiseFlag(d: DeviceRecord, flag: DeviceFlagDto, now: number): void {
    d.flags.set(flag.kind, flag);
    this.dirty.add(d.id);
    this.emit({ type: 'flag', deviceId: d.id, name: d.name, flag, raised: true, at: now });
  }

  private clearFlag(d: DeviceRecord, kind: DeviceFlagKind, now: number): void {
    const flag = d.flags.get(kind);
    if (!flag) return;
    d.flags.delete(kind);
    this.dirty.add(d.id);
    this.emit({ type: 'flag', deviceId: d.id, name: d.name, flag, raised: false, at: now });
  }
}
