/**
 * The explorer's live state in the renderer: the tree (plain model), the rows on offer, the
 * selection and its detail, filters, and the pause/stats the main process reports.
 *
 * Consistency: `topics.changes` is subscribed before the snapshot is asked for; batches that
 * arrive meanwhile wait and only those newer than the snapshot are applied. A missing seq
 * (the host shed an event for this page), a `resync` batch or a reconnect reloads the snapshot.
 */

import type { TopicDetailDto, TopicsChangesDto, TopicsStatsDto } from '../../../electron/contract/index.js';
import type { Transport } from '../lib/transport.js';
import { compileFilter, checkFilter } from './mqtt-filter.js';
import { TopicTree, type Row, type TopicPredicate, type TreeNode } from './tree-model.js';
import { errorText } from '../lib/errors.js';

/** Batches kept while a snapshot loads (a few seconds' worth); past it the load is redone. */
const MAX_WAITING_BATCHES = 200;
/** How often at most the payload filter's matches are refreshed while it is active. */
const PAYLOAD_SEARCH_INTERVAL_MS = 1000;
const HIGHLIGHT_KEY = 'fleetwatch.topics.highlight';

export interface Filters {
  text: string;
  mqtt: string;
  payload: string;
}

export class TopicsState {
  readonly tree = new TopicTree();
  /** bumps whenever a batch changed values (rows on screen re-read their nodes) */
  version = $state(0);
  /** bumps when the set or order of rows may have changed */
  layout = $state(0);
  stats = $state<TopicsStatsDto | null>(null);
  loaded = $state(false);
  error = $state<string | null>(null);
  selectedPath = $state<string | null>(null);
  detail = $state<TopicDetailDto | null>(null);
  filters = $state<Filters>({ text: '', mqtt: '', payload: '' });
  /** payload filter: matches from the main process, null while none are known */
  payloadInfo = $state<{ count: number; truncated: boolean } | null>(null);
  highlight = $state(localStorage.getItem(HIGHLIGHT_KEY) !== 'off');

  readonly #transport: Transport;
  #lastSeq = 0;
  /** batches that arrived while a snapshot was loading */
  #waiting: TopicsChangesDto[] | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: `layout` signals changes
  #payloadMatches: ReadonlySet<string> = new Set();
  #payloadTimer: ReturnType<typeof setTimeout> | null = null;
  #payloadDue = 0;
  #detailBusy = false;
  #detailAgain = false;
  /** nodes the user collapsed while the current filter is active */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: `layout` signals changes
  readonly #collapsedInFilter = new Set<TreeNode>();
  #shedSeen = 0;

  readonly mqttCheck = $derived(this.filters.mqtt.trim() === '' ? null : checkFilter(this.filters.mqtt.trim()));

  readonly predicate: TopicPredicate | null = $derived.by(() => this.#buildPredicate());

  readonly rows: Row[] = $derived.by(() => {
    void this.layout;
    return this.tree.flatten(this.predicate, this.#collapsedInFilter);
  });

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  start(): () => void {
    const { client } = this.#transport;
    const offs = [
      client.subscribe('topics.changes', (batch) => this.#onBatch(batch)),
      this.#transport.watch((status) => {
        if (status.state === 'open') void this.reload();
        // The host dropped events for this page: our copy may be stale.
        if (status.shed > this.#shedSeen) {
          this.#shedSeen = status.shed;
          if (this.loaded) void this.reload();
        }
      }),
    ];
    return () => {
      offs.forEach((off) => off());
      if (this.#payloadTimer) clearTimeout(this.#payloadTimer);
    };
  }

  async reload(): Promise<void> {
    if (this.#waiting) return;
    this.#waiting = [];
    try {
      const snap = await this.#transport.client.invoke('topics.snapshot', {});
      const now = performance.now();
      this.tree.clear();
      this.#collapsedInFilter.clear();
      for (const node of snap.nodes) this.tree.apply(node, 0);
      this.#lastSeq = snap.seq;
      this.stats = snap.stats;
      const waiting = this.#waiting;
      this.#waiting = null;
      this.loaded = true;
      // Batches sent after the snapshot go through the normal path (a resync or a gap among
      // them starts another reload).
      for (const batch of waiting) if (batch.seq > snap.seq) this.#onBatch(batch, now);
      this.error = null;
      this.layout += 1;
      this.version += 1;
      if (this.selectedPath !== null) void this.refreshDetail();
    } catch (err) {
      this.#waiting = null;
      this.error = errorText(err);
    }
  }

  #onBatch(batch: TopicsChangesDto, now = performance.now()): void {
    if (this.#waiting) {
      // Past the bound the queued batches are dropped; the seq gap after the snapshot then
      // triggers one more reload instead of applying a partial history.
      if (this.#waiting.length < MAX_WAITING_BATCHES) this.#waiting.push(batch);
      return;
    }
    if (batch.resync || (this.loaded && batch.seq !== this.#lastSeq + 1)) {
      void this.reload();
      return;
    }
    this.#apply(batch, now);
  }

  #apply(batch: TopicsChangesDto, now: number): void {
    this.#lastSeq = batch.seq;
    this.stats = batch.stats;
    if (batch.changed.length === 0 && batch.removed.length === 0) return;
    const structure = this.tree.structure;
    let selectedChanged = false;
    for (const dto of batch.changed) {
      this.tree.apply(dto, now);
      if (dto.topicName === this.selectedPath) selectedChanged = true;
    }
    for (const topic of batch.removed) this.tree.remove(topic);
    if (this.tree.structure !== structure) this.layout += 1;
    this.version += 1;
    if (selectedChanged) void this.refreshDetail();
    if (this.filters.payload.trim() !== '') this.#schedulePayloadSearch(PAYLOAD_SEARCH_INTERVAL_MS);
  }

  /* ─────────── selection, expansion, keyboard ─────────── */

  select(path: string | null): void {
    if (path === this.selectedPath) return;
    this.selectedPath = path;
    this.detail = null;
    if (path !== null) void this.refreshDetail();
  }

  selectedNode(): TreeNode | null {
    return this.selectedPath === null ? null : this.tree.find(this.selectedPath);
  }

  setOpen(row: Row, open: boolean): void {
    if (!row.hasChildren || row.open === open) return;
    if (this.predicate) {
      if (open) this.#collapsedInFilter.delete(row.node);
      else this.#collapsedInFilter.add(row.node);
    } else {
      row.node.expanded = open;
    }
    this.layout += 1;
  }

  /** ↑ ↓ ← → Home End, as in the WAI-ARIA tree pattern. Returns whether the key was used. */
  key(key: string): boolean {
    const rows = this.rows;
    if (rows.length === 0) return false;
    const i = this.selectedPath === null ? -1 : rows.findIndex((r) => r.node.path === this.selectedPath);
    const row = rows[i];
    const go = (j: number): void => this.select(rows[Math.max(0, Math.min(rows.length - 1, j))]!.node.path);
    switch (key) {
      case 'ArrowDown':
        go(i + 1);
        return true;
      case 'ArrowUp':
        go(i < 0 ? 0 : i - 1);
        return true;
      case 'Home':
        go(0);
        return true;
      case 'End':
        go(rows.length - 1);
        return true;
      case 'ArrowRight':
        if (!row) go(0);
        else if (row.hasChildren && !row.open) this.setOpen(row, true);
        else if (row.open) go(i + 1);
        return true;
      case 'ArrowLeft':
        if (!row) go(0);
        else if (row.open) this.setOpen(row, false);
        else if (row.node.parent && row.node.parent !== this.tree.root) this.select(row.node.parent.path);
        return true;
      case 'Enter':
      case ' ':
        if (row) this.setOpen(row, !row.open);
        return true;
      default:
        return false;
    }
  }

  /* ─────────── detail ─────────── */

  async refreshDetail(): Promise<void> {
    if (this.#detailBusy) {
      this.#detailAgain = true;
      return;
    }
    this.#detailBusy = true;
    try {
      do {
        this.#detailAgain = false;
        const path = this.selectedPath;
        const node = path === null ? null : this.tree.find(path);
        if (path === null || !node?.topic) {
          this.detail = null;
          break;
        }
        const detail = await this.#transport.client.invoke('topics.detail', { topicName: path });
        if (this.selectedPath === path) this.detail = detail;
      } while (this.#detailAgain);
    } catch (err) {
      this.error = errorText(err);
    } finally {
      this.#detailBusy = false;
    }
  }

  /* ─────────── filters ─────────── */

  setFilters(patch: Partial<Filters>): void {
    const payloadChanged = patch.payload !== undefined && patch.payload !== this.filters.payload;
    this.filters = { ...this.filters, ...patch };
    this.#collapsedInFilter.clear();
    if (payloadChanged) {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: `layout` signals changes
      this.#payloadMatches = new Set();
      this.payloadInfo = null;
      if (this.filters.payload.trim() !== '') this.#schedulePayloadSearch(200);
    }
    this.layout += 1;
  }

  setHighlight(on: boolean): void {
    this.highlight = on;
    localStorage.setItem(HIGHLIGHT_KEY, on ? 'on' : 'off');
  }

  #buildPredicate(): TopicPredicate | null {
    const text = this.filters.text.trim().toLowerCase();
    const mqtt = this.filters.mqtt.trim();
    const payload = this.filters.payload.trim();
    const tests: TopicPredicate[] = [];
    if (text) tests.push((t) => t.topicName.toLowerCase().includes(text));
    if (mqtt && this.mqttCheck?.ok) {
      const match = compileFilter(mqtt);
      tests.push((t) => match(t.topicName));
    }
    if (payload) {
      // Read through `this` each time: the match set is replaced as searches complete.
      tests.push((t) => this.#payloadMatches.has(t.topicName));
    }
    if (tests.length === 0) return null;
    return (t) => tests.every((test) => test(t));
  }

  #schedulePayloadSearch(delay: number): void {
    const due = Date.now() + delay;
    if (this.#payloadTimer && this.#payloadDue <= due) return;
    if (this.#payloadTimer) clearTimeout(this.#payloadTimer);
    this.#payloadDue = due;
    this.#payloadTimer = setTimeout(() => {
      this.#payloadTimer = null;
      void this.#searchPayload();
    }, delay);
  }

  async #searchPayload(): Promise<void> {
    const text = this.filters.payload.trim();
    if (!text) return;
    try {
      const res = await this.#transport.client.invoke('topics.searchPayload', { text });
      if (this.filters.payload.trim() !== text) return;
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- plain on purpose: `layout` signals changes
      this.#payloadMatches = new Set(res.topicNames);
      this.payloadInfo = { count: res.topicNames.length, truncated: res.truncated };
      this.layout += 1;
    } catch (err) {
      this.error = errorText(err);
    }
  }
}
