/** Shared pieces of the history tests: a fresh data folder, a hand-driven clock, messages. */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishedMessage } from '../../../broker-core/index.js';
import { HistoryService } from '../../../electron/services/history/history-service.js';
import type { HistoryLimits } from '../../../electron/services/history/limits.js';

export const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

export class Clock {
  constructor(public t = T0) {}
  now = (): number => this.t;
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'fw-history-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function msg(topicName: string, payload: string, at: number, publisherId = 'tasmota-lab-07'): PublishedMessage {
  return { topicName, payload: new TextEncoder().encode(payload), qos: 0, retain: false, publisherId, isWill: false, at };
}

export function sensor(temperature: number): string {
  return JSON.stringify({ Time: '2026-01-10T12:00:00', AM2301: { Temperature: temperature, Humidity: 40 }, TempUnit: 'C' });
}

export const TEMP = { topicName: 'tele/lab-07/SENSOR', path: ['AM2301', 'Temperature'] };
export const TEMP_KEY = JSON.stringify(['tele/lab-07/SENSOR', 'AM2301', 'Temperature']);

export async function openHistory(dir: string, clock: Clock, limits: Partial<HistoryLimits> = {}, problems: string[] = []): Promise<HistoryService> {
  return HistoryService.open({ dir: join(dir, 'history'), now: clock.now, limits, onProblem: (m) => problems.push(m) });
}
