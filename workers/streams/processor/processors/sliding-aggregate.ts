import { Change } from "../../change";
import type { KeyValue } from "../../key-value";
import type { Record } from "../../record";
import { ValueAndTimestamp } from "../../state/state-store";
import type { WindowStore } from "../../state/window-store";
import { SlidingWindow, Windowed } from "../../windowed";
import type { SlidingWindows } from "../../windows/sliding-windows";
import type { EmitStrategy } from "../../windows/emit-strategy";
import { StreamsException } from "../../errors";
import { asInternal, ContextualProcessor, type InternalProcessorContext, type ProcessorContext } from "../processor-context";
import { windowStoreGetter, type KTableSupplier, type KTableValueGetterSupplier } from "./ktable-supplier";
import type { Aggregator, Initializer } from "./stream-aggregate";
import { EMIT_INTERVAL_MS_WINDOWED_AGGREGATION, EmitThrottle } from "./window-aggregate";
import { WindowCloseTracker } from "./window-tracker";

type VT<VA> = ValueAndTimestamp<VA>;

/**
 * Sliding window aggregation (KIP-450, KStreamSlidingWindowAggregate). Windows are
 * [start, start + d], both inclusive, and exist only where records are: a record at t
 * updates every existing window containing it, creates its left window [t - d, t] (seeded
 * with the previous record's aggregate when that record is inside it), the previous
 * record's right window [p + 1, p + 1 + d] if t falls in it, and, for an out-of-order
 * record, its own right window from the aggregate of the later records. Records with
 * t < d go through the [0, d] window. Store values carry the window's max record time.
 */
export class KStreamSlidingWindowAggregateSupplier<K, V, VA> implements KTableSupplier<Windowed<K>, VA> {
  private sendOldValues = false;

  constructor(
    readonly storeName: string,
    private readonly windows: SlidingWindows,
    private readonly emitStrategy: EmitStrategy,
    private readonly initializer: Initializer<VA | null>,
    private readonly aggregator: Aggregator<K, V, VA | null>,
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<Windowed<K>, VA> {
    return windowStoreGetter(this.storeName);
  }

  get(): ContextualProcessor<never, never, never, never> {
    const d = this.windows.timeDifferenceMs();
    const grace = this.windows.gracePeriodMs();
    const windowAt = (start: number) => new SlidingWindow(start, start + d);

    return new (class extends ContextualProcessor<K, V, Windowed<K>, Change<VA>> {
      constructor(private readonly self: KStreamSlidingWindowAggregateSupplier<K, V, VA>) {
        super();
      }

      private store!: WindowStore<K, VT<VA>>;
      private observedStreamTime = -1;
      private lastEmitWindowCloseTime = -1;
      private throttle!: EmitThrottle;
      private readonly tracker = new WindowCloseTracker((end, close) => end < close);

      override init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
        super.init(context);
        this.store = context.getStateStore<WindowStore<K, VT<VA>>>(this.self.storeName);
        this.throttle = new EmitThrottle(Number(asInternal(context).config(EMIT_INTERVAL_MS_WINDOWED_AGGREGATION, 0)));
      }

      process(record: Record<K, V>): void {
        const ctx = asInternal(this.context());
        const key = record.key();
        if (key === null || key === undefined || record.value() === null || record.value() === undefined) {
          ctx.recordDropped("null-key-or-value", { key, timestamp: record.timestamp() });
          return;
        }
        const ts = record.timestamp();
        this.observedStreamTime = Math.max(this.observedStreamTime, ts);
        const closeTime = this.observedStreamTime - grace;
        if (ts + d < closeTime) {
          this.late(ctx, key, ts, { start: ts, end: ts + d }, closeTime);
          return;
        }
        if (ts < d) {
          this.processEarly(record, closeTime);
        } else {
          if (this.self.emitStrategy.type === "ON_WINDOW_CLOSE") this.maybeForwardFinalResults(record, closeTime, ctx);
          this.processReverse(record, closeTime);
        }
        this.tracker.advance(ctx, closeTime);
      }

      private late(ctx: InternalProcessorContext, key: K, timestamp: number, window: { start: number; end: number }, closeTime: number): void {
        ctx.recordDropped("expired-window");
        if (!ctx.hasListener()) return;
        ctx.emitEvent({
          type: "late-record-dropped",
          taskId: ctx.taskId(),
          node: ctx.nodeName(),
          key,
          timestamp,
          window,
          streamTime: this.observedStreamTime,
          closeTime,
        });
      }

      private processReverse(record: Record<K, V>, closeTime: number): void {
        const ts = record.timestamp();
        const starts = new Set<number>();
        let leftWinAgg: VT<VA> | null = null;
        let rightWinAgg: VT<VA> | null = null;
        let leftWinAlreadyCreated = false;
        let rightWinAlreadyCreated = false;
        let previousRecordTimestamp: number | null = null;
        for (const w of this.store.backwardFetch(record.key(), Math.max(0, ts - 2 * d), ts + 1)) {
          const start = w.key;
          starts.add(start);
          const end = start + d;
          const windowMaxRecordTimestamp = w.value.timestamp();
          if (start === ts + 1) {
            rightWinAlreadyCreated = true;
          } else if (end > ts) {
            if (rightWinAgg === null) rightWinAgg = w.value;
            this.updateWindowAndForward(windowAt(start), w.value, record, closeTime);
          } else if (end === ts) {
            leftWinAlreadyCreated = true;
            this.updateWindowAndForward(windowAt(start), w.value, record, closeTime);
            if (windowMaxRecordTimestamp < ts) previousRecordTimestamp = windowMaxRecordTimestamp;
            // A record at this very timestamp already created every window this one needs.
            else return;
          } else {
            leftWinAgg = w.value;
            previousRecordTimestamp = windowMaxRecordTimestamp;
            break;
          }
        }
        this.createWindows(record, closeTime, starts, rightWinAgg, leftWinAgg, leftWinAlreadyCreated, rightWinAlreadyCreated, previousRecordTimestamp);
      }

      private processEarly(record: Record<K, V>, closeTime: number): void {
        const ts = record.timestamp();
        let combined: KeyValue<number, VT<VA>> | null = null;
        let rightWinAgg: VT<VA> | null = null;
        let rightWinAlreadyCreated = false;
        const starts = new Set<number>();
        let previousRecordTimestamp: number | null = null;
        for (const w of this.store.fetch(record.key(), 0, ts + 1)) {
          const start = w.key;
          starts.add(start);
          const windowMaxRecordTimestamp = w.value.timestamp();
          if (start === 0) {
            combined = w;
            if (windowMaxRecordTimestamp < ts) previousRecordTimestamp = windowMaxRecordTimestamp;
          } else if (start <= ts) {
            rightWinAgg = w.value;
            this.updateWindowAndForward(windowAt(start), w.value, record, closeTime);
          } else if (start === ts + 1) {
            rightWinAlreadyCreated = true;
          } else {
            throw new StreamsException("Unexpected window found when processing sliding windows");
          }
        }
        // The [0, d] window holds only later records when none came before this one.
        if (rightWinAgg === null && combined !== null && combined.value.timestamp() > ts) rightWinAgg = combined.value;
        if (!rightWinAlreadyCreated && rightWinAgg !== null && rightWinAgg.timestamp() > ts) {
          this.createCurrentRecordRightWindow(ts, rightWinAgg, record);
        }
        if (previousRecordTimestamp !== null && !starts.has(previousRecordTimestamp + 1)) {
          this.createPreviousRecordRightWindow(previousRecordTimestamp + 1, record, closeTime);
        }
        if (combined === null) {
          this.updateWindowAndForward(windowAt(0), ValueAndTimestamp.make(this.self.initializer(), ts), record, closeTime);
        } else {
          this.updateWindowAndForward(windowAt(0), combined.value, record, closeTime);
        }
      }

      private createWindows(
        record: Record<K, V>,
        closeTime: number,
        starts: Set<number>,
        rightWinAgg: VT<VA> | null,
        leftWinAgg: VT<VA> | null,
        leftWinAlreadyCreated: boolean,
        rightWinAlreadyCreated: boolean,
        previousRecordTimestamp: number | null,
      ): void {
        const ts = record.timestamp();
        if (previousRecordTimestamp !== null) {
          const previousRightStart = previousRecordTimestamp + 1;
          if (!starts.has(previousRightStart) && previousRightStart + d >= ts) {
            this.createPreviousRecordRightWindow(previousRightStart, record, closeTime);
          }
        }
        if (!leftWinAlreadyCreated) {
          const leftNotEmpty = previousRecordTimestamp !== null && ts - d <= previousRecordTimestamp;
          const seed = leftNotEmpty ? ValueAndTimestamp.make(leftWinAgg!.value(), ts) : ValueAndTimestamp.make(this.self.initializer(), ts);
          this.updateWindowAndForward(windowAt(ts - d), seed, record, closeTime);
        }
        if (!rightWinAlreadyCreated && rightWinAgg !== null && rightWinAgg.timestamp() > ts) {
          this.createCurrentRecordRightWindow(ts, rightWinAgg, record);
        }
      }

      private createCurrentRecordRightWindow(ts: number, rightWinAgg: VT<VA>, record: Record<K, V>): void {
        const window = windowAt(ts + 1);
        this.store.put(record.key(), rightWinAgg, window.start());
        this.forwardUpdate(record, window, null, rightWinAgg.value(), rightWinAgg.timestamp());
      }

      private createPreviousRecordRightWindow(start: number, record: Record<K, V>, closeTime: number): void {
        this.updateWindowAndForward(windowAt(start), ValueAndTimestamp.make(this.self.initializer(), record.timestamp()), record, closeTime);
      }

      private updateWindowAndForward(window: SlidingWindow, vt: VT<VA> | null, record: Record<K, V>, closeTime: number): void {
        const ctx = asInternal(this.context());
        if (window.end() >= closeTime) {
          const oldAgg = ValueAndTimestamp.getValueOrNull(vt);
          const newAgg = this.self.aggregator(record.key(), record.value(), oldAgg);
          const newTimestamp = oldAgg === null ? record.timestamp() : Math.max(record.timestamp(), vt!.timestamp());
          this.store.put(record.key(), ValueAndTimestamp.make(newAgg, newTimestamp), window.start());
          this.forwardUpdate(record, window, oldAgg, newAgg, newTimestamp);
        } else {
          this.late(ctx, record.key(), record.timestamp(), { start: window.start(), end: window.end() }, closeTime);
        }
      }

      private forwardUpdate(record: Record<K, V>, window: SlidingWindow, oldAgg: VA | null, newAgg: VA | null, timestamp: number): void {
        const ctx = asInternal(this.context());
        if (ctx.hasListener()) {
          const bounds = { start: window.start(), end: window.end() };
          ctx.emitEvent({ type: "window-update", taskId: ctx.taskId(), node: ctx.nodeName(), key: record.key(), window: bounds, value: newAgg, timestamp });
          this.tracker.update(ctx, record.key(), bounds, newAgg);
        }
        if (this.self.emitStrategy.type === "ON_WINDOW_CLOSE") return;
        this.context().forward(
          record
            .withKey(new Windowed(record.key(), window))
            .withValue(new Change<VA>(newAgg, this.self.sendOldValues ? oldAgg : null))
            .withTimestamp(timestamp),
        );
      }

      private maybeForwardFinalResults(record: Record<K, V>, closeTime: number, ctx: InternalProcessorContext): void {
        if (!this.throttle.allow(ctx.currentSystemTimeMs())) return;
        if (this.lastEmitWindowCloseTime !== -1 && this.lastEmitWindowCloseTime >= closeTime) return;
        const upper = closeTime - d - 1;
        if (upper < 0) return;
        const lower = this.lastEmitWindowCloseTime === -1 ? 0 : Math.max(0, this.lastEmitWindowCloseTime - d);
        for (const kv of this.store.fetchAll(lower, upper)) {
          const w = windowAt(kv.key.window().start());
          this.context().forward(
            record
              .withKey(new Windowed(kv.key.key(), w))
              .withValue(new Change<VA>(kv.value.value(), null))
              .withTimestamp(kv.value.timestamp()),
          );
        }
        this.lastEmitWindowCloseTime = closeTime;
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}
