import { Change } from "../../change";
import { Record } from "../../record";
import { ValueAndTimestamp } from "../../state/state-store";
import type { WindowStore } from "../../state/window-store";
import { TimeWindow, Windowed } from "../../windowed";
import type { TimeWindows } from "../../windows/time-windows";
import type { EmitStrategy } from "../../windows/emit-strategy";
import { asInternal, ContextualProcessor, type InternalProcessorContext, type ProcessorContext } from "../processor-context";
import { windowStoreGetter, type KTableSupplier, type KTableValueGetterSupplier } from "./ktable-supplier";
import type { Aggregator, Initializer } from "./stream-aggregate";
import { WindowCloseTracker } from "./window-tracker";

/** Kafka's internal config for how often (engine-clock ms) emit-on-close looks for closed windows. */
export const EMIT_INTERVAL_MS_WINDOWED_AGGREGATION = "__emit.interval.ms.kstreams.windowed.aggregation__";

/** Emit-on-close checks at most once per interval of the engine clock (0 in this engine by default: deterministic runs). */
export class EmitThrottle {
  private nextTimeToEmit = 0;

  constructor(private readonly intervalMs: number) {}

  allow(now: number): boolean {
    if (now < this.nextTimeToEmit) return false;
    this.nextTimeToEmit = now + this.intervalMs;
    return true;
  }
}

/**
 * Tumbling and hopping window aggregation (KStreamWindowAggregate). Per record: stream
 * time advances, closeTime = streamTime - grace; each window [s, e) containing the record
 * is updated if e > closeTime, else the record is dropped for that window (late).
 */
export class KStreamWindowAggregateSupplier<K, V, VA> implements KTableSupplier<Windowed<K>, VA> {
  /** Read by its processors, per record: set while the topology is built. */
  sendOldValues = false;

  constructor(
    readonly storeName: string,
    readonly windows: TimeWindows,
    readonly emitStrategy: EmitStrategy,
    readonly initializer: Initializer<VA | null>,
    readonly aggregator: Aggregator<K, V, VA | null>,
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<Windowed<K>, VA> {
    return windowStoreGetter(this.storeName);
  }

  get(): ContextualProcessor<never, never, never, never> {
    return new KStreamWindowAggregateProcessor<K, V, VA>(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}

/**
 * One class for every window aggregate (not one per supplier.get()): code shared by all
 * processors, the task's dispatch and the context's accessors, keeps seeing the same few
 * object shapes across tasks and applications, so it stays specialised.
 */
class KStreamWindowAggregateProcessor<K, V, VA> extends ContextualProcessor<K, V, Windowed<K>, Change<VA>> {
  private readonly windows: TimeWindows;

  constructor(private readonly self: KStreamWindowAggregateSupplier<K, V, VA>) {
    super();
    this.windows = self.windows;
  }

  private store!: WindowStore<K, ValueAndTimestamp<VA>>;
  private observedStreamTime = -1;
  private lastEmitWindowCloseTime = -1;
  /** The newest window start put into the store: Kafka's time-ordered store measures retention from it. */
  private newestStart = -1;
  private throttle!: EmitThrottle;
  private readonly tracker = new WindowCloseTracker((end, close) => end <= close);

  override init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    super.init(context);
    this.store = context.getStateStore<WindowStore<K, ValueAndTimestamp<VA>>>(this.self.storeName);
    this.throttle = new EmitThrottle(Number(asInternal(context).config(EMIT_INTERVAL_MS_WINDOWED_AGGREGATION, 0)));
  }

  process(record: Record<K, V>): void {
    const ctx = asInternal(this.context());
    const key = record.key();
    if (key === null || key === undefined) {
      ctx.recordDropped("null-key", { timestamp: record.timestamp() });
      return;
    }
    const timestamp = record.timestamp();
    this.observedStreamTime = Math.max(this.observedStreamTime, timestamp);
    const closeTime = this.observedStreamTime - this.windows.gracePeriodMs();
    const onClose = this.self.emitStrategy.type === "ON_WINDOW_CLOSE";
    const listening = ctx.hasListener();
    const size = this.windows.sizeMs;
    const advance = this.windows.advanceMs;
    // Closed windows are read before this record's puts can expire them from the store,
    // over the range Kafka's store would still hold once they are made: retention counts
    // back from the newest window start put.
    if (onClose) {
      const newest = Math.floor(timestamp / advance) * advance;
      this.maybeForwardFinalResults(record, closeTime, ctx, Math.max(this.newestStart, newest + size > closeTime ? newest : -1));
    }
    // The windows containing the record, by ascending start, as TimeWindows.windowsFor lists them.
    for (let start = Math.floor(Math.max(0, timestamp - size + advance) / advance) * advance; start <= timestamp; start += advance) {
      const end = start + size;
      if (end > closeTime) {
        const old = this.store.fetch(key, start);
        const oldAgg = ValueAndTimestamp.getValueOrNull(old);
        const base = oldAgg === null ? this.self.initializer() : oldAgg;
        const newTimestamp = oldAgg === null ? timestamp : Math.max(timestamp, old!.timestamp());
        const newAgg = this.self.aggregator(key, record.value(), base);
        this.store.put(key, ValueAndTimestamp.make(newAgg, newTimestamp), start);
        if (start > this.newestStart) this.newestStart = start;
        if (!onClose) {
          const change = new Change<VA>(newAgg, this.self.sendOldValues ? oldAgg : null);
          ctx.forward(new Record(new Windowed(key, new TimeWindow(start, end)), change, newTimestamp, record.headers()));
        }
        if (listening) {
          const bounds = { start, end };
          ctx.emitEvent({ type: "window-update", taskId: ctx.taskId(), node: ctx.nodeName(), key, window: bounds, value: newAgg, timestamp: newTimestamp });
          this.tracker.update(ctx, key, bounds, newAgg);
        }
      } else {
        ctx.recordDropped("expired-window");
        if (listening) {
          ctx.emitEvent({
            type: "late-record-dropped",
            taskId: ctx.taskId(),
            node: ctx.nodeName(),
            key,
            timestamp,
            window: { start, end },
            streamTime: this.observedStreamTime,
            closeTime,
          });
        }
      }
    }
    if (listening) this.tracker.advance(ctx, closeTime);
  }

  private maybeForwardFinalResults(record: Record<K, V>, closeTime: number, ctx: InternalProcessorContext, storeTime: number): void {
    if (!this.throttle.allow(ctx.currentSystemTimeMs())) return;
    if (this.lastEmitWindowCloseTime !== -1 && this.lastEmitWindowCloseTime >= closeTime) return;
    const upper = closeTime - this.windows.size();
    if (upper < 0) return;
    const lower = Math.max(this.lastEmitWindowCloseTime === -1 ? 0 : Math.max(0, this.lastEmitWindowCloseTime - this.windows.size()) + 1, storeTime - this.store.retentionPeriod());
    for (const kv of this.store.fetchAll(lower, upper)) {
      this.context().forward(
        record
          .withKey(kv.key)
          .withValue(new Change<VA>(kv.value.value(), null))
          .withTimestamp(kv.value.timestamp()),
      );
    }
    this.lastEmitWindowCloseTime = closeTime;
  }
}
