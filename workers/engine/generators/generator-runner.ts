/**
 * Generators running inside the engine, on its scheduler: pausing the clock pauses them,
 * 10× plays them ten times as fast, and a run is reproducible from the seed. The UI only
 * starts, stops and turns dials (rate, disorder); records never cross the worker seam.
 *
 * Each generator ticks every {@link TICK_MS} of virtual time and owes `rate × tick`
 * records, spread evenly over the tick's event times. While the previous tick's produce is
 * still being acknowledged, new ticks only add to a backlog capped at half a second of
 * records; the rest is counted as skipped. So when the machine cannot keep up, the
 * generator slows down visibly (its actual rate drops) instead of queueing without bound.
 */
import { KafkaError } from "../../protocol/errors";
import type { Random } from "../../runtime/random";
import type { Cancel, Scheduler } from "../../runtime/scheduler";
import { ClickstreamSource } from "./clickstream";
import { DEFAULT_SKEW, skewTimestamp, type SkewDials } from "./event-time-skew";
import type { GeneratedRecord, RecordSource } from "./generated-record";
import { IotSensorSource } from "./iot-sensors";
import { OrdersPaymentsSource } from "./orders-payments";
import { TruckSource } from "./trucks";

export const GENERATOR_KINDS = ["trucks", "clickstream", "orders-payments", "iot-sensors"] as const;
export type GeneratorKind = (typeof GENERATOR_KINDS)[number];

export const TICK_MS = 100;
export const MAX_RATE = 50_000;
/** The backlog a slow produce may build up, in seconds of records. */
const MAX_BACKLOG_SECONDS = 0.5;
/** Window over which the actual rate is measured, in virtual ms. */
const RATE_WINDOW_MS = 1000;

export interface GeneratorSettings extends SkewDials {
  kind: GeneratorKind;
  /** Where records go (orders, for "orders-payments"). */
  topic: string;
  /** Payments' topic for "orders-payments"; unused by the other kinds. */
  secondTopic: string;
  /** Records per second of virtual time. */
  ratePerSecond: number;
}

export interface GeneratorStatus extends GeneratorSettings {
  id: string;
  /** Records acknowledged so far. */
  produced: number;
  /** Records owed but dropped because produce could not keep up. */
  skipped: number;
  /** Records acknowledged per virtual second, over the last second. */
  actualRate: number;
  outOfOrderCount: number;
  lateCount: number;
  lastError: string | null;
}

export type GeneratorInput = Partial<GeneratorSettings> & { kind: GeneratorKind; topic: string };

export interface GeneratorDeps {
  scheduler: Scheduler;
  random: Random;
  /** Produce and wait for the acknowledgements. */
  produce(records: GeneratedRecord[]): Promise<void>;
}

/** The second topic a generator writes to, if any. */
export function topicsOf(settings: Pick<GeneratorSettings, "kind" | "topic" | "secondTopic">): string[] {
  return settings.kind === "orders-payments" ? [settings.topic, settings.secondTopic] : [settings.topic];
}

function checkShare(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new KafkaError("INVALID_REQUEST", `generator ${name} must be a share between 0 and 1, got ${value}`);
  return value;
}

function checkSettings(s: GeneratorSettings): GeneratorSettings {
  if (!GENERATOR_KINDS.includes(s.kind)) throw new KafkaError("INVALID_REQUEST", `unknown generator kind "${String(s.kind)}"; choose one of ${GENERATOR_KINDS.join(", ")}`);
  if (typeof s.topic !== "string" || s.topic === "") throw new KafkaError("INVALID_REQUEST", `generator "${s.kind}" needs a topic`);
  if (!Number.isFinite(s.ratePerSecond) || s.ratePerSecond < 0 || s.ratePerSecond > MAX_RATE) {
    throw new KafkaError("INVALID_REQUEST", `generator rate must be between 0 and ${MAX_RATE} records/s, got ${s.ratePerSecond}`);
  }
  checkShare("out-of-order share", s.outOfOrder);
  checkShare("late share", s.late);
  if (s.late + s.outOfOrder > 1) throw new KafkaError("INVALID_REQUEST", `generator shares of late (${s.late}) and out-of-order (${s.outOfOrder}) records add up to more than 1`);
  if (!(s.jitterMs >= 0) || !(s.lateByMs >= 0)) throw new KafkaError("INVALID_REQUEST", "generator jitter and lateness must be ≥ 0 ms");
  return s;
}

function sourceFor(s: GeneratorSettings, random: Random): RecordSource {
  switch (s.kind) {
    case "trucks":
      return new TruckSource(s.topic, random);
    case "clickstream":
      return new ClickstreamSource(s.topic);
    case "orders-payments":
      return new OrdersPaymentsSource(s.topic, s.secondTopic);
    case "iot-sensors":
      return new IotSensorSource(s.topic, random);
  }
}

class RunningGenerator {
  settings: GeneratorSettings;
  readonly source: RecordSource;
  produced = 0;
  skipped = 0;
  outOfOrderCount = 0;
  lateCount = 0;
  lastError: string | null = null;
  owed = 0;
  backlog = 0;
  inflight: Promise<void> | undefined;
  /** Acknowledged records by the virtual time of their tick, over the last second. */
  readonly acks: Array<{ at: number; count: number }> = [];
  cancel: Cancel = () => {};

  constructor(
    readonly id: string,
    settings: GeneratorSettings,
    random: Random,
  ) {
    this.settings = settings;
    this.source = sourceFor(settings, random);
  }

  status(now: number): GeneratorStatus {
    while (this.acks.length > 0 && this.acks[0]!.at <= now - RATE_WINDOW_MS) this.acks.shift();
    let acked = 0;
    for (const a of this.acks) acked += a.count;
    return {
      ...this.settings,
      id: this.id,
      produced: this.produced,
      skipped: this.skipped,
      actualRate: Math.round((acked * 1000) / RATE_WINDOW_MS),
      outOfOrderCount: this.outOfOrderCount,
      lateCount: this.lateCount,
      lastError: this.lastError,
    };
  }
}

export class GeneratorRunner {
  private readonly generators = new Map<string, RunningGenerator>();
  private nextId = 1;

  constructor(private readonly deps: GeneratorDeps) {}

  start(input: GeneratorInput): GeneratorStatus {
    const settings = checkSettings({
      ...DEFAULT_SKEW,
      ratePerSecond: 10,
      secondTopic: "payments",
      ...input,
    });
    const g = new RunningGenerator(`gen-${this.nextId++}`, settings, this.deps.random);
    g.cancel = this.deps.scheduler.every(TICK_MS, () => this.tick(g));
    this.generators.set(g.id, g);
    return g.status(this.now());
  }

  update(id: string, patch: Partial<Omit<GeneratorSettings, "kind" | "topic" | "secondTopic">>): GeneratorStatus {
    const g = this.get(id);
    g.settings = checkSettings({ ...g.settings, ...patch, kind: g.settings.kind, topic: g.settings.topic, secondTopic: g.settings.secondTopic });
    return g.status(this.now());
  }

  stop(id: string): void {
    const g = this.get(id);
    g.cancel();
    this.generators.delete(id);
  }

  list(): GeneratorStatus[] {
    return [...this.generators.values()].map((g) => g.status(this.now()));
  }

  /** Resolves when every produce started so far is acknowledged (or failed). */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.generators.values()].map((g) => g.inflight).filter((p): p is Promise<void> => p !== undefined);
      if (pending.length === 0) return;
      await Promise.all(pending);
    }
  }

  dispose(): void {
    for (const g of this.generators.values()) g.cancel();
    this.generators.clear();
  }

  private now(): number {
    return this.deps.scheduler.clock.now();
  }

  private get(id: string): RunningGenerator {
    const g = this.generators.get(id);
    if (!g) throw new KafkaError("INVALID_REQUEST", `no generator "${id}" is running`);
    return g;
  }

  private tick(g: RunningGenerator): void {
    const now = this.deps.scheduler.clock.now();
    g.owed += (g.settings.ratePerSecond * TICK_MS) / 1000;
    const due = Math.floor(g.owed);
    g.owed -= due;
    if (g.inflight) {
      const cap = Math.ceil(g.settings.ratePerSecond * MAX_BACKLOG_SECONDS);
      const total = g.backlog + due;
      g.backlog = Math.min(total, cap);
      g.skipped += total - g.backlog;
    } else {
      const n = g.backlog + due;
      g.backlog = 0;
      if (n > 0) this.produce(g, now, n);
    }
  }

  private produce(g: RunningGenerator, now: number, n: number): void {
    const records: GeneratedRecord[] = [];
    const random = this.deps.random;
    for (let i = 0; i < n; i++) {
      // Event times spread over the tick that just passed, ending now.
      const eventTime = now - TICK_MS + Math.round(((i + 1) * TICK_MS) / n);
      for (const r of g.source.next(eventTime, random)) {
        const skewed = skewTimestamp(r.timestamp, g.settings, random);
        if (skewed.kind === "late") g.lateCount++;
        else if (skewed.kind === "out-of-order") g.outOfOrderCount++;
        records.push({ ...r, timestamp: skewed.timestamp });
      }
    }
    g.inflight = this.deps
      .produce(records)
      .then(
        () => {
          g.produced += records.length;
          g.acks.push({ at: now, count: records.length });
          g.lastError = null;
        },
        (e: unknown) => {
          g.lastError = e instanceof Error ? e.message : String(e);
        },
      )
      .finally(() => {
        g.inflight = undefined;
      });
  }
}
