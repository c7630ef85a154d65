/**
 * What the page shows of the broker: its state, the clock, the topic list, the selected
 * topic's description, the running generators and live rates. Never a log: records stay
 * in the worker and views read them in ranges. The slice listens to the worker's per-frame
 * updates, hands their events to the views that animate them, and reloads the topic list
 * and description at most a few times a second, one reload at a time.
 */
import type { StateCreator } from "zustand";
import {
  connectBroker,
  isKafkaError,
  type BrokerClient,
  type CleanReport,
  type ClockState,
  type CreateTopicInput,
  type EngineState,
  type EngineUpdate,
  type GeneratorInput,
  type GeneratorSettings,
  type GeneratorStatus,
  type JsonRecordInput,
  type ProduceSummary,
  type TopicDescription,
  type TopicSummary,
} from "../engine-client/broker-client";
import { emitEngineFrame } from "./engine-events";
import { perFrame } from "./fold-updates";
import type { Store } from "./store";
import { TopicRates } from "./topic-rates";

/** The engine's states, plus the page's own: still connecting, or the worker died. */
export type ConnectionState = "connecting" | EngineState | "lost";

export interface ProduceProgress {
  topic: string;
  done: number;
  total: number;
  finished: boolean;
  /** Offsets written, per partition, once finished. */
  summary: string | null;
}

export interface BrokerSlice {
  connection: ConnectionState;
  /** Why the broker is not usable, in one or two sentences. */
  message: string;
  /** Where the workspace lives: "opfs" survives reloads, "memory" does not. */
  storageKind: string | null;
  clock: ClockState | null;
  topics: TopicSummary[];
  selected: string | null;
  description: TopicDescription | null;
  generators: GeneratorStatus[];
  /** Records per virtual second, by topic. */
  rates: Record<string, number>;
  /** The last failed action, as Kafka names it. */
  actionError: string | null;
  produce: ProduceProgress | null;
  /** The last "clean now" report, for the compaction view. */
  lastClean: { topic: string; report: CleanReport } | null;

  connect(): Promise<BrokerClient | undefined>;
  selectTopic(name: string): void;
  createTopic(input: CreateTopicInput): Promise<boolean>;
  deleteTopic(name: string): Promise<boolean>;
  alterTopicConfig(name: string, set: Record<string, string>, reset: string[]): Promise<boolean>;
  produceRecords(topic: string, count: number, keyed: boolean): Promise<void>;
  produceJson(topic: string, records: JsonRecordInput[]): Promise<ProduceSummary | null>;
  play(): Promise<void>;
  pause(): Promise<void>;
  step(ms: number): Promise<void>;
  setSpeed(speed: number): Promise<void>;
  resetWorkspace(): Promise<void>;
  startGenerator(input: GeneratorInput): Promise<boolean>;
  updateGenerator(id: string, patch: Partial<Pick<GeneratorSettings, "ratePerSecond" | "outOfOrder" | "late" | "jitterMs" | "lateByMs">>): Promise<void>;
  stopGenerator(id: string): Promise<void>;
  roll(topic: string): Promise<void>;
  cleanNow(topic: string): Promise<CleanReport | null>;
  runRetention(topic: string): Promise<void>;
  refresh(): Promise<void>;
  reportError(message: string): void;
  clearError(): void;
}

/** Records per produce call: big enough to batch well, small enough to show progress. */
const PRODUCE_CHUNK = 5000;
/** Distinct keys of the "keyed" bulk produce option. */
const KEY_COUNT = 8;
/** The topic list and description are reloaded at most this often while records flow. */
const REFRESH_INTERVAL_MS = 250;
/** Generators' counters and topic rates are brought up to date at most this often. */
const COUNTERS_INTERVAL_MS = 250;

let client: BrokerClient | undefined;

/** The connected client, for views that read ranges; undefined until connect() resolves. */
export function brokerClient(): BrokerClient | undefined {
  return client;
}

export function describeError(e: unknown): string {
  if (isKafkaError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

export const createBrokerSlice: StateCreator<Store, [], [], BrokerSlice> = (set, get) => {
  let refreshing = false;
  let refreshAgain = false;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  let lastRefresh = 0;
  let countersAt = -Infinity;
  const rates = new TopicRates();

  async function refreshNow(): Promise<void> {
    if (!client) return;
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      do {
        refreshAgain = false;
        lastRefresh = performance.now();
        const topics = await client.api.listTopics();
        let selected = get().selected;
        if (selected === null || !topics.some((t) => t.name === selected)) selected = topics.find((t) => !t.internal)?.name ?? null;
        const description = selected === null ? null : await client.api.describeTopic(selected);
        set({ topics, selected, description });
      } while (refreshAgain);
    } catch (e) {
      // A refresh racing a reset or a take-over is retried by the update that follows.
      if (!isKafkaError(e)) set({ actionError: describeError(e) });
    } finally {
      refreshing = false;
    }
  }

  function scheduleRefresh(): void {
    if (refreshTimer !== undefined) return;
    const wait = Math.max(0, REFRESH_INTERVAL_MS - (performance.now() - lastRefresh));
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      void refreshNow();
    }, wait);
  }

  function onUpdate(update: EngineUpdate): void {
    const was = get().connection;
    const patch: Partial<BrokerSlice> = {};
    if (update.state !== was) patch.connection = update.state;
    if (update.clock) patch.clock = update.clock;
    // Generators' counters and topic rates change with every update; the rail shows them a
    // few times a second (a generator started or stopped shows at once).
    const wall = performance.now();
    const countersDue = wall - countersAt >= COUNTERS_INTERVAL_MS || update.restarted;
    const shown = get().generators;
    if (shown.length !== update.generators.length || shown.some((g, i) => g.id !== update.generators[i]!.id) || (countersDue && update.generators.length > 0)) patch.generators = update.generators;
    if (update.restarted) rates.clear();
    const now = update.clock?.now ?? 0;
    const appended = new Map<string, number>();
    for (const e of update.events) if (e.type === "records-appended") appended.set(e.topic, (appended.get(e.topic) ?? 0) + e.recordCount);
    rates.update(now, appended);
    // A frozen engine receives nothing: records produced by hand while paused are no rate.
    const fresh = update.clock?.playing ? rates.rates(now) : {};
    const old = get().rates;
    const keys = Object.keys(fresh);
    if (keys.length !== Object.keys(old).length || keys.some((k) => !(k in old)) || (countersDue && keys.some((k) => old[k] !== fresh[k]))) patch.rates = fresh;
    if (countersDue && (patch.generators || patch.rates)) countersAt = wall;
    set(patch);
    emitEngineFrame({ events: update.events, clock: update.clock, stale: update.restarted || update.droppedEvents > 0, restarted: update.restarted, streams: update.streams });
    if (update.state !== "ready") return;
    if (update.restarted || was !== "ready") void refreshNow();
    else if (update.events.length > 0 || update.droppedEvents > 0) scheduleRefresh();
  }

  async function act<T>(work: (c: BrokerClient) => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    if (!client) return { ok: false };
    try {
      return { ok: true, value: await work(client) };
    } catch (e) {
      set({ actionError: describeError(e) });
      return { ok: false };
    }
  }

  return {
    connection: "connecting",
    message: "Starting the broker…",
    storageKind: null,
    clock: null,
    topics: [],
    selected: null,
    description: null,
    generators: [],
    rates: {},
    actionError: null,
    produce: null,
    lastClean: null,

    async connect() {
      if (client) return client;
      try {
        client = await connectBroker();
      } catch (e) {
        set({ connection: "lost", message: `The broker worker could not start: ${describeError(e)}` });
        return undefined;
      }
      client.onWorkerError((message) => set({ connection: "lost", message: `The broker worker stopped: ${message}` }));
      const status = await client.api.status();
      set({ connection: status.state, message: status.message, clock: status.clock, storageKind: status.storage });
      await client.onUpdate(
        perFrame((u) => {
          onUpdate(u);
          if (u.state !== "ready" || u.restarted) void client?.api.status().then((s) => set({ message: s.message, storageKind: s.storage }));
        }),
      );
      if (status.state === "ready") await refreshNow();
      return client;
    },

    selectTopic(name) {
      if (get().selected !== name) set({ selected: name, description: null, selection: null });
      void refreshNow();
    },

    async createTopic(input) {
      const r = await act((c) => c.api.createTopic(input));
      if (r.ok) {
        set({ selected: input.name, actionError: null, selection: null });
        await refreshNow();
      }
      return r.ok;
    },

    async deleteTopic(name) {
      const r = await act((c) => c.api.deleteTopic(name));
      if (r.ok) {
        if (get().selected === name) set({ selected: null, description: null, selection: null });
        await refreshNow();
      }
      return r.ok;
    },

    async alterTopicConfig(name, setConfig, reset) {
      const r = await act((c) => c.api.alterTopicConfig(name, setConfig, reset));
      if (r.ok) await refreshNow();
      return r.ok;
    },

    async produceRecords(topic, count, keyed) {
      const total = Math.max(0, Math.floor(count));
      if (total === 0) return;
      // Values carry a sequence number continuing the topic's record count, so in a
      // one-partition topic a record's `seq` is its offset.
      const start = get().topics.find((t) => t.name === topic)?.records ?? 0;
      set({ produce: { topic, done: 0, total, finished: false, summary: null }, actionError: null });
      const ranges = new Map<number, { first: number; last: number }>();
      const r = await act(async (c) => {
        for (let done = 0; done < total; done += PRODUCE_CHUNK) {
          const n = Math.min(PRODUCE_CHUNK, total - done);
          const records: JsonRecordInput[] = new Array(n);
          for (let i = 0; i < n; i++) {
            const seq = start + done + i;
            records[i] = keyed ? { key: `key-${seq % KEY_COUNT}`, value: { seq } } : { value: { seq } };
          }
          const result = await c.api.produceJson(topic, records);
          for (const p of result.partitions) {
            const range = ranges.get(p.partition);
            ranges.set(p.partition, range ? { first: Math.min(range.first, p.firstOffset), last: Math.max(range.last, p.lastOffset) } : { first: p.firstOffset, last: p.lastOffset });
          }
          set({ produce: { topic, done: done + n, total, finished: false, summary: null } });
        }
      });
      const summary = [...ranges.entries()]
        .sort(([a], [b]) => a - b)
        .map(([p, range]) => `partition ${p}: offsets ${range.first}–${range.last}`)
        .join(" · ");
      const done = get().produce?.done ?? 0;
      set({ produce: { topic, done, total, finished: true, summary: r.ok ? summary : null } });
      await refreshNow();
    },

    async produceJson(topic, records) {
      const r = await act((c) => c.api.produceJson(topic, records));
      if (!r.ok) return null;
      set({ actionError: null });
      scheduleRefresh();
      return r.value;
    },

    async play() {
      await act(async (c) => set({ clock: await c.api.play() }));
    },
    async pause() {
      await act(async (c) => set({ clock: await c.api.pause() }));
    },
    async step(ms) {
      await act(async (c) => set({ clock: await c.api.step(ms) }));
    },
    async setSpeed(speed) {
      await act(async (c) => set({ clock: await c.api.setSpeed(speed) }));
    },

    async resetWorkspace() {
      // The page forgets the old workspace only once the new one runs, so nothing is
      // offered to click while the engine is between the two.
      await act((c) => c.api.resetWorkspace());
      set({ selection: null, lastClean: null, selected: null, description: null, topics: [], generators: [] });
      await refreshNow();
    },

    async startGenerator(input) {
      const r = await act((c) => c.api.startGenerator(input));
      if (r.ok) set({ generators: [...get().generators, r.value], actionError: null });
      scheduleRefresh();
      return r.ok;
    },
    async updateGenerator(id, patch) {
      const r = await act((c) => c.api.updateGenerator(id, patch));
      if (r.ok) set({ generators: get().generators.map((g) => (g.id === id ? r.value : g)) });
    },
    async stopGenerator(id) {
      const r = await act((c) => c.api.stopGenerator(id));
      if (r.ok) set({ generators: get().generators.filter((g) => g.id !== id) });
    },

    async roll(topic) {
      const r = await act((c) => c.api.roll(topic));
      if (r.ok) await refreshNow();
    },
    async cleanNow(topic) {
      const r = await act((c) => c.api.cleanTopic(topic));
      if (!r.ok) return null;
      set({ lastClean: { topic, report: r.value } });
      await refreshNow();
      return r.value;
    },
    async runRetention(topic) {
      const r = await act((c) => c.api.runRetention(topic));
      if (r.ok) await refreshNow();
    },

    refresh: refreshNow,
    reportError(message) {
      set({ actionError: message });
    },
    clearError() {
      set({ actionError: null });
    },
  };
};
