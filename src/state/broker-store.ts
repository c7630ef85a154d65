/**
 * What the page shows of the broker: its state, the clock, the topic list and the
 * selected topic's partitions. Never a log: records stay in the worker and are read in
 * ranges. The store listens to the worker's per-frame updates and reloads the topic list
 * and the selected topic's description when events say something changed, one reload at
 * a time.
 */
import { create } from "zustand";
import {
  connectBroker,
  isKafkaError,
  type BrokerClient,
  type ClockState,
  type CreateTopicInput,
  type EngineState,
  type EngineUpdate,
  type JsonRecordInput,
  type TopicDescription,
  type TopicSummary,
} from "../engine-client/broker-client";

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

export interface BrokerStore {
  connection: ConnectionState;
  /** Why the broker is not usable, in one or two sentences. */
  message: string;
  clock: ClockState | null;
  topics: TopicSummary[];
  selected: string | null;
  description: TopicDescription | null;
  /** The last failed action, as Kafka names it. */
  actionError: string | null;
  produce: ProduceProgress | null;

  connect(): Promise<BrokerClient | undefined>;
  selectTopic(name: string): void;
  createTopic(input: CreateTopicInput): Promise<boolean>;
  produceRecords(topic: string, count: number, keyed: boolean): Promise<void>;
  play(): Promise<void>;
  pause(): Promise<void>;
  step(ms: number): Promise<void>;
  setSpeed(speed: number): Promise<void>;
  clearError(): void;
}

/** Records per produce call: big enough to batch well, small enough to show progress. */
const PRODUCE_CHUNK = 5000;
/** Distinct keys of the "keyed" produce option. */
const KEY_COUNT = 8;

let client: BrokerClient | undefined;
let refreshing = false;
let refreshAgain = false;

function describeError(e: unknown): string {
  if (isKafkaError(e)) return e.message;
  return e instanceof Error ? e.message : String(e);
}

export const useBrokerStore = create<BrokerStore>()((set, get) => {
  async function refresh(): Promise<void> {
    if (!client) return;
    if (refreshing) {
      refreshAgain = true;
      return;
    }
    refreshing = true;
    try {
      do {
        refreshAgain = false;
        const topics = await client.api.listTopics();
        let selected = get().selected;
        if (selected === null || !topics.some((t) => t.name === selected)) selected = topics[0]?.name ?? null;
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

  function onUpdate(update: EngineUpdate): void {
    const was = get().connection;
    if (update.state !== was) set({ connection: update.state });
    if (update.clock) set({ clock: update.clock });
    if (update.state !== "ready") return;
    if (update.restarted || was !== "ready" || update.events.length > 0 || update.droppedEvents > 0) void refresh();
  }

  async function act(work: (c: BrokerClient) => Promise<unknown>): Promise<boolean> {
    if (!client) return false;
    try {
      await work(client);
      return true;
    } catch (e) {
      set({ actionError: describeError(e) });
      return false;
    }
  }

  return {
    connection: "connecting",
    message: "Starting the broker…",
    clock: null,
    topics: [],
    selected: null,
    description: null,
    actionError: null,
    produce: null,

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
      set({ connection: status.state, message: status.message, clock: status.clock });
      await client.onUpdate((u) => {
        onUpdate(u);
        if (u.state !== "ready") void client?.api.status().then((s) => set({ message: s.message }));
      });
      if (status.state === "ready") await refresh();
      return client;
    },

    selectTopic(name) {
      set({ selected: name, description: null });
      void refresh();
    },

    async createTopic(input) {
      const ok = await act((c) => c.api.createTopic(input));
      if (ok) {
        set({ selected: input.name, actionError: null });
        await refresh();
      }
      return ok;
    },

    async produceRecords(topic, count, keyed) {
      const total = Math.max(0, Math.floor(count));
      if (total === 0) return;
      // Values carry a sequence number continuing the topic's record count, so in a
      // one-partition topic a record's `seq` is its offset.
      const start = get().topics.find((t) => t.name === topic)?.records ?? 0;
      set({ produce: { topic, done: 0, total, finished: false, summary: null }, actionError: null });
      const ranges = new Map<number, { first: number; last: number }>();
      const ok = await act(async (c) => {
        for (let done = 0; done < total; done += PRODUCE_CHUNK) {
          const n = Math.min(PRODUCE_CHUNK, total - done);
          const records: JsonRecordInput[] = new Array(n);
          for (let i = 0; i < n; i++) {
            const seq = start + done + i;
            records[i] = keyed ? { key: `key-${seq % KEY_COUNT}`, value: { seq } } : { value: { seq } };
          }
          const result = await c.api.produceJson(topic, records);
          for (const p of result.partitions) {
            const r = ranges.get(p.partition);
            ranges.set(p.partition, r ? { first: Math.min(r.first, p.firstOffset), last: Math.max(r.last, p.lastOffset) } : { first: p.firstOffset, last: p.lastOffset });
          }
          set({ produce: { topic, done: done + n, total, finished: false, summary: null } });
        }
      });
      const summary = [...ranges.entries()]
        .sort(([a], [b]) => a - b)
        .map(([p, r]) => `partition ${p}: offsets ${r.first}–${r.last}`)
        .join(" · ");
      const done = get().produce?.done ?? 0;
      set({ produce: { topic, done, total, finished: true, summary: ok ? summary : null } });
      await refresh();
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
    clearError() {
      set({ actionError: null });
    },
  };
});

/** The connected client, for the debug handle and tests; undefined until connect() resolves. */
export function brokerClient(): BrokerClient | undefined {
  return client;
}
