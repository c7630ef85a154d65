import { Change } from "../../change";
import type { KeyValue } from "../../key-value";
import type { Record } from "../../record";
import type { SessionStore } from "../../state/session-store";
import { SessionWindow, Windowed } from "../../windowed";
import type { SessionWindows } from "../../windows/session-windows";
import type { EmitStrategy } from "../../windows/emit-strategy";
import { asInternal, ContextualProcessor, type InternalProcessorContext, type ProcessorContext } from "../processor-context";
import { sessionStoreGetter, type KTableSupplier, type KTableValueGetterSupplier } from "./ktable-supplier";
import type { Aggregator, Initializer, Merger } from "./stream-aggregate";
import { EMIT_INTERVAL_MS_WINDOWED_AGGREGATION, EmitThrottle } from "./window-aggregate";
import { WindowCloseTracker } from "./window-tracker";

/**
 * Session window aggregation (KStreamSessionWindowAggregate). A record at t merges every
 * session of its key with end >= t - gap and start <= t + gap into one; each replaced
 * session is retracted with a tombstone before the merged session is emitted. Output
 * timestamps are session ends. Dropped when the merged session's end < streamTime - grace - gap.
 */
export class KStreamSessionWindowAggregateSupplier<K, V, VA> implements KTableSupplier<Windowed<K>, VA> {
  private sendOldValues = false;

  constructor(
    readonly storeName: string,
    private readonly windows: SessionWindows,
    private readonly emitStrategy: EmitStrategy,
    private readonly initializer: Initializer<VA | null>,
    private readonly aggregator: Aggregator<K, V, VA | null>,
    private readonly merger: Merger<K, VA | null>,
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<Windowed<K>, VA> {
    return sessionStoreGetter(this.storeName);
  }

  get(): ContextualProcessor<never, never, never, never> {
    const windows = this.windows;
    return new (class extends ContextualProcessor<K, V, Windowed<K>, Change<VA>> {
      constructor(private readonly self: KStreamSessionWindowAggregateSupplier<K, V, VA>) {
        super();
      }

      private store!: SessionStore<K, VA>;
      private observedStreamTime = -1;
      private lastEmitWindowCloseTime = -1;
      private throttle!: EmitThrottle;
      private readonly tracker = new WindowCloseTracker((end, close) => end < close);

      override init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
        super.init(context);
        this.store = context.getStateStore<SessionStore<K, VA>>(this.self.storeName);
        this.throttle = new EmitThrottle(Number(asInternal(context).config(EMIT_INTERVAL_MS_WINDOWED_AGGREGATION, 0)));
      }

      private forwardUpdate(record: Record<K, V>, key: Windowed<K>, oldAgg: VA | null, newAgg: VA | null): void {
        if (this.self.emitStrategy.type === "ON_WINDOW_CLOSE") return;
        this.context().forward(
          record
            .withKey(key)
            .withValue(new Change<VA>(newAgg, this.self.sendOldValues ? oldAgg : null))
            .withTimestamp(key.window().end()),
        );
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
        const closeTime = this.observedStreamTime - windows.gracePeriodMs() - windows.inactivityGap();
        const merged: Array<KeyValue<Windowed<K>, VA>> = [];
        let start = timestamp;
        let end = timestamp;
        let agg = this.self.initializer();
        for (const session of this.store.findSessions(key, timestamp - windows.inactivityGap(), timestamp + windows.inactivityGap())) {
          merged.push(session);
          agg = this.self.merger(key, agg, session.value);
          start = Math.min(start, session.key.window().start());
          end = Math.max(end, session.key.window().end());
        }
        const mergedBounds = { start, end };
        if (end < closeTime) {
          ctx.recordDropped("expired-window");
          if (ctx.hasListener()) {
            ctx.emitEvent({
              type: "late-record-dropped",
              taskId: ctx.taskId(),
              node: ctx.nodeName(),
              key,
              timestamp,
              window: mergedBounds,
              streamTime: this.observedStreamTime,
              closeTime,
            });
          }
        } else {
          if (start !== timestamp || end !== timestamp) {
            for (const session of merged) {
              this.store.remove(session.key);
              this.forwardUpdate(record, session.key, session.value, null);
              const w = session.key.window();
              this.tracker.update(ctx, key, { start: w.start(), end: w.end() }, null);
            }
            if (ctx.hasListener() && (merged.length > 1 || (merged.length === 1 && !sameBounds(merged[0]!.key, mergedBounds)))) {
              ctx.emitEvent({
                type: "session-merged",
                taskId: ctx.taskId(),
                node: ctx.nodeName(),
                key,
                merged: merged.map((s) => ({ start: s.key.window().start(), end: s.key.window().end() })),
                into: mergedBounds,
              });
            }
          }
          agg = this.self.aggregator(key, record.value(), agg);
          const sessionKey = new Windowed(key, new SessionWindow(start, end));
          this.store.put(sessionKey, agg);
          this.forwardUpdate(record, sessionKey, null, agg);
          if (ctx.hasListener()) {
            ctx.emitEvent({ type: "window-update", taskId: ctx.taskId(), node: ctx.nodeName(), key, window: mergedBounds, value: agg, timestamp: end });
            this.tracker.update(ctx, key, mergedBounds, agg);
          }
        }
        if (this.self.emitStrategy.type === "ON_WINDOW_CLOSE") this.maybeForwardFinalResults(record, closeTime, ctx);
        this.tracker.advance(ctx, closeTime);
      }

      private maybeForwardFinalResults(record: Record<K, V>, closeTime: number, ctx: InternalProcessorContext): void {
        if (!this.throttle.allow(ctx.currentSystemTimeMs())) return;
        if (this.lastEmitWindowCloseTime !== -1 && this.lastEmitWindowCloseTime >= closeTime) return;
        const upper = closeTime - 1;
        if (upper < 0) return;
        const lower = Math.max(0, this.lastEmitWindowCloseTime);
        if (upper >= lower) {
          for (const kv of this.store.findSessionsByEnd(lower, upper)) {
            this.context().forward(record.withKey(kv.key).withValue(new Change<VA>(kv.value, null)).withTimestamp(kv.key.window().end()));
          }
        }
        this.lastEmitWindowCloseTime = closeTime;
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}

function sameBounds(key: Windowed<unknown>, b: { start: number; end: number }): boolean {
  return key.window().start() === b.start && key.window().end() === b.end;
}
