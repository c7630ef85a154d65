import type { Change } from "../../change";
import { StreamsException } from "../../errors";
import { Record } from "../../record";
import type { Suppressed } from "../../suppressed";
import { ValueAndTimestamp } from "../../state/state-store";
import type { TimeOrderedKeyValueBuffer } from "../../state/time-ordered-buffer";
import { Windowed } from "../../windowed";
import { asInternal, ContextualProcessor, type ProcessorContext, type RecordContext } from "../processor-context";
import type { KTableParent } from "./ktable";
import type { KTableSupplier, KTableValueGetterSupplier } from "./ktable-supplier";

/**
 * KTable.suppress (KTableSuppressProcessorSupplier). Every update is buffered per key;
 * stream time (as this processor sees it) evicts entries whose buffer time is at most
 * streamTime - suppressDuration. For `untilWindowCloses` the buffer time is the window end
 * and the duration the window's grace, so a window is emitted exactly when it closes, once,
 * and deletes are dropped; for `untilTimeLimit` it is the time of the key's first update.
 */
export class KTableSuppressSupplier<K, V> implements KTableSupplier<K, V> {
  constructor(
    private readonly suppressed: Suppressed,
    /** untilWindowCloses: the upstream window grace; untilTimeLimit: the time to wait. */
    private readonly suppressDurationMs: number,
    readonly storeName: string,
    private readonly parent: KTableParent<K, V>,
  ) {
    // The buffer keeps the prior value of each key, for the suppressed view.
    parent.enableSendingOldValues(true);
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    return this.parent.enableSendingOldValues(forceMaterialization);
  }

  view(): KTableValueGetterSupplier<K, V> {
    const parentView = this.parent.valueGetterSupplier();
    const storeName = this.storeName;
    return {
      storeNames: () => [storeName, ...parentView.storeNames()],
      get: () => {
        const parentGetter = parentView.get();
        let buffer: TimeOrderedKeyValueBuffer<K, V> | undefined;
        return {
          init(ctx) {
            parentGetter.init(ctx);
            buffer = ctx.getStateStore<TimeOrderedKeyValueBuffer<K, V>>(storeName);
          },
          get(key) {
            const prior = buffer!.priorValueForBuffered(key);
            if (prior !== undefined) {
              const vt = parentGetter.get(key);
              return prior.value === null ? null : ValueAndTimestamp.make(prior.value, vt?.timestamp() ?? 0);
            }
            return parentGetter.get(key);
          },
        };
      },
    };
  }

  get(): ContextualProcessor<never, never, never, never> {
    const config = this.suppressed.bufferConfig;
    const finalResults = this.suppressed.kind === "untilWindowCloses";
    return new (class extends ContextualProcessor<K, Change<V>, K, Change<V>> {
      constructor(private readonly self: KTableSuppressSupplier<K, V>) {
        super();
      }

      private buffer!: TimeOrderedKeyValueBuffer<K, V>;
      private observedStreamTime = -1;

      override init(context: ProcessorContext<K, Change<V>>): void {
        super.init(context);
        this.buffer = context.getStateStore<TimeOrderedKeyValueBuffer<K, V>>(this.self.storeName);
      }

      process(record: Record<K, Change<V>>): void {
        const ctx = asInternal(this.context());
        this.observedStreamTime = Math.max(this.observedStreamTime, record.timestamp());
        const key = record.key();
        let bufferTime = record.timestamp();
        if (finalResults) {
          if (!(key instanceof Windowed)) {
            throw new StreamsException("suppress(untilWindowCloses) needs windowed keys: it only follows a windowed aggregation");
          }
          bufferTime = key.window().end();
        }
        this.buffer.put(bufferTime, key, record.value(), ctx.recordContext());
        this.enforceConstraints();
      }

      private overCapacity(): boolean {
        return this.buffer.numRecords() > config.maxRecords || this.buffer.bufferSize() > config.maxBytes;
      }

      private enforceConstraints(): void {
        const expiryTime = this.observedStreamTime - this.self.suppressDurationMs;
        this.buffer.evictWhile(
          () => this.buffer.minTimestamp() <= expiryTime,
          (r) => this.emit(r),
        );
        if (!this.overCapacity()) return;
        if (config.fullStrategy === "EMIT") {
          this.buffer.evictWhile(
            () => this.overCapacity(),
            (r) => this.emit(r),
          );
          return;
        }
        throw new StreamsException(
          `${asInternal(this.context()).nodeName()} buffer exceeded its max capacity. Currently [${this.buffer.numRecords()}/${config.maxRecords}] records and [${this.buffer.bufferSize()}/${config.maxBytes}] bytes.`,
        );
      }

      private emit(r: { key: K; change: Change<V>; context: RecordContext }): void {
        // Final results never emit deletes: there is nothing to retract downstream.
        if (r.change.newValue === null && finalResults) return;
        const ctx = asInternal(this.context());
        const saved = ctx.recordContext();
        ctx.setRecordContext(r.context);
        try {
          if (ctx.hasListener()) {
            ctx.emitEvent({ type: "suppress-emitted", taskId: ctx.taskId(), node: ctx.nodeName(), key: r.key, value: r.change.newValue, timestamp: r.context.timestamp });
          }
          this.context().forward(new Record(r.key, r.change, r.context.timestamp, r.context.headers));
        } finally {
          ctx.setRecordContext(saved);
        }
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}
