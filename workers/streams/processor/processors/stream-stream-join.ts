import type { Record } from "../../record";
import type { OuterJoinStore, TimestampedKeyAndJoinSide } from "../../state/outer-join-store";
import type { WindowStore } from "../../state/window-store";
import type { KeyValue } from "../../key-value";
import type { JoinWindows } from "../../windows/join-windows";
import { asInternal, ContextualProcessor, type InternalProcessorContext, type ProcessorContext, type ProcessorSupplierObject } from "../processor-context";

/** Kafka's internal config: how often (engine-clock ms) a left/outer join looks for expired unmatched records. */
export const EMIT_INTERVAL_MS_OUTER_JOIN_SPURIOUS_RESULTS_FIX = "__emit.interval.ms.kstreams.outer.join.spurious.results.fix__";

/** The value joiner with the key, already oriented for the side that calls it. */
export type SideJoiner<K, VThis, VOther, VOut> = (key: K, thisValue: VThis | null, otherValue: VOther | null) => VOut;

const NO_MIN_TIME = Number.MAX_SAFE_INTEGER;

/** Stream time and the oldest buffered unmatched record, shared by both sides of one join in one task. */
export class TimeTracker {
  streamTime = -1;
  minTime = NO_MIN_TIME;
  nextTimeToEmit = 0;

  constructor(public emitIntervalMs: number) {}

  advanceStreamTime(ts: number): void {
    this.streamTime = Math.max(this.streamTime, ts);
  }

  updatedMinTime(ts: number): void {
    this.minTime = Math.min(this.minTime, ts);
  }
}

export class TimeTrackerSupplier {
  private readonly trackers = new Map<string, TimeTracker>();

  get(taskId: string, emitIntervalMs: number): TimeTracker {
    let t = this.trackers.get(taskId);
    if (!t) {
      t = new TimeTracker(emitIntervalMs);
      this.trackers.set(taskId, t);
    }
    return t;
  }

  remove(taskId: string): void {
    this.trackers.delete(taskId);
  }
}

/**
 * One side of a windowed stream-stream join (KStreamKStreamJoin). Each record looks up the
 * other side's window store for records in [t - before, t + after] (mirrored for the right
 * side) and emits one result per match with timestamp max(both). Left/outer joins built
 * with `ofTimeDifference*` hold an unmatched record in the shared outer store and emit it
 * with a null partner once stream time passes its window end + grace; a later match
 * deletes it. With the deprecated `JoinWindows.of()` they emit it at once instead.
 */
export function streamStreamJoinSupplier<K, VThis, VOther, VOut>(opts: {
  leftSide: boolean;
  otherWindowStoreName: string;
  windows: JoinWindows;
  joiner: SideJoiner<K, VThis, VOther, VOut>;
  outer: boolean;
  outerJoinStoreName: string | undefined;
  trackers: TimeTrackerSupplier;
}): ProcessorSupplierObject<K, VThis, K, VOut> {
  const w = opts.windows;
  const joinBeforeMs = opts.leftSide ? w.beforeMs : w.afterMs;
  const joinAfterMs = opts.leftSide ? w.afterMs : w.beforeMs;
  const graceMs = w.gracePeriodMs();
  const spuriousFix = w.spuriousResultFixEnabled;
  return {
    get: () =>
      new (class extends ContextualProcessor<K, VThis, K, VOut> {
        private otherStore!: WindowStore<K, VOther>;
        private outerStore: OuterJoinStore<K, unknown, unknown> | undefined;
        private tracker!: TimeTracker;

        override init(context: ProcessorContext<K, VOut>): void {
          super.init(context);
          this.otherStore = context.getStateStore<WindowStore<K, VOther>>(opts.otherWindowStoreName);
          const interval = Number(asInternal(context).config(EMIT_INTERVAL_MS_OUTER_JOIN_SPURIOUS_RESULTS_FIX, 0));
          this.tracker = opts.trackers.get(context.taskId(), interval);
          if (spuriousFix && opts.outerJoinStoreName !== undefined) {
            this.outerStore = context.getStateStore<OuterJoinStore<K, unknown, unknown>>(opts.outerJoinStoreName);
          }
        }

        process(record: Record<K, VThis>): void {
          const ctx = asInternal(this.context());
          const ts = record.timestamp();
          this.tracker.advanceStreamTime(ts);
          const key = record.key();
          const value = record.value();
          if (opts.outer && (key === null || key === undefined) && value !== null && value !== undefined) {
            this.context().forward(record.withValue(opts.joiner(key, value, null)));
            return;
          }
          if (key === null || key === undefined || value === null || value === undefined) {
            ctx.recordDropped("null-key-or-value", { key, timestamp: ts });
            return;
          }
          if (ts === this.tracker.streamTime && this.outerStore) this.emitNonJoinedOuterRecords(this.outerStore, record, ctx);
          const timeFrom = Math.max(0, ts - joinBeforeMs);
          const timeTo = Math.max(0, ts + joinAfterMs);
          const matches: Array<KeyValue<number, VOther>> = this.otherStore.fetch(key, timeFrom, timeTo).toArray();
          for (const other of matches) {
            this.outerStore?.putIfAbsent({ key, timestamp: other.key, leftSide: !opts.leftSide }, null);
            this.context().forward(record.withValue(opts.joiner(key, value, other.value)).withTimestamp(Math.max(ts, other.key)));
          }
          if (opts.outer && matches.length === 0) {
            if (!this.outerStore || timeTo < this.tracker.streamTime) {
              this.context().forward(record.withValue(opts.joiner(key, value, null)));
            } else {
              this.tracker.updatedMinTime(ts);
              this.outerStore.put(
                { key, timestamp: ts, leftSide: opts.leftSide },
                opts.leftSide ? { leftSide: true, left: value, right: null } : { leftSide: false, left: null, right: value },
              );
            }
          }
        }

        private windowOpen(k: TimestampedKeyAndJoinSide<K>): boolean {
          // Left records wait `after` past their time, right records `before`.
          const lookBack = k.leftSide ? w.afterMs : w.beforeMs;
          return this.tracker.minTime + lookBack + graceMs >= this.tracker.streamTime;
        }

        private emitNonJoinedOuterRecords(store: OuterJoinStore<K, unknown, unknown>, record: Record<K, VThis>, ctx: InternalProcessorContext): void {
          // Kafka's sentinel Long.MAX_VALUE overflows this sum and never returns early here.
          if (this.tracker.minTime !== NO_MIN_TIME && this.tracker.minTime + joinAfterMs + graceMs >= this.tracker.streamTime) return;
          const now = ctx.currentSystemTimeMs();
          if (now < this.tracker.nextTimeToEmit) return;
          this.tracker.nextTimeToEmit = now + this.tracker.emitIntervalMs;
          this.tracker.minTime = NO_MIN_TIME;
          let prevKey: TimestampedKeyAndJoinSide<K> | null = null;
          let leftOpen = false;
          let rightOpen = false;
          for (const entry of store.all()) {
            const k = entry.key;
            this.tracker.minTime = k.timestamp;
            if (leftOpen && rightOpen) break;
            if (this.windowOpen(k)) {
              if (k.leftSide) leftOpen = true;
              else rightOpen = true;
              continue;
            }
            const thisValue = (opts.leftSide ? entry.value.left : entry.value.right) as VThis | null;
            const otherValue = (opts.leftSide ? entry.value.right : entry.value.left) as VOther | null;
            this.context().forward(record.withKey(k.key).withValue(opts.joiner(k.key, thisValue, otherValue)).withTimestamp(k.timestamp));
            if (prevKey !== null && !sameJoinKey(prevKey, k)) store.put(prevKey, null);
            prevKey = k;
          }
          if (prevKey !== null) store.put(prevKey, null);
        }

        override close(): void {
          opts.trackers.remove(this.context().taskId());
        }
      })(),
  };
}

function sameJoinKey<K>(a: TimestampedKeyAndJoinSide<K>, b: TimestampedKeyAndJoinSide<K>): boolean {
  return a.timestamp === b.timestamp && a.leftSide === b.leftSide && JSON.stringify(a.key) === JSON.stringify(b.key);
}

/** The processor in front of each join side: forwards the record, then buffers it in its window store. */
export function joinWindowSupplier<K, V>(storeName: string): ProcessorSupplierObject<K, V, K, V> {
  return {
    get: () =>
      new (class extends ContextualProcessor<K, V, K, V> {
        private store!: WindowStore<K, V>;

        override init(context: ProcessorContext<K, V>): void {
          super.init(context);
          this.store = context.getStateStore<WindowStore<K, V>>(storeName);
        }

        process(record: Record<K, V>): void {
          this.context().forward(record);
          if (record.key() !== null && record.key() !== undefined) this.store.put(record.key(), record.value(), record.timestamp());
        }
      })(),
  };
}
