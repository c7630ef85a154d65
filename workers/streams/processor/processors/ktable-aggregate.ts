import { Change } from "../../change";
import { StreamsException } from "../../errors";
import type { Record } from "../../record";
import { ValueAndTimestamp } from "../../state/state-store";
import type { KeyValueStore } from "../../state/key-value-store";
import { ContextualProcessor, type ProcessorContext } from "../processor-context";
import { storeGetter, type KTableSupplier, type KTableValueGetterSupplier } from "./ktable-supplier";
import type { Aggregator, Initializer, Reducer } from "./stream-aggregate";

/**
 * KGroupedTable.aggregate / count / reduce: each incoming change first subtracts its old
 * value from the group's aggregate, then adds its new value (the adder/subtractor pair).
 */
export class KTableAggregateSupplier<K, V, VA> implements KTableSupplier<K, VA> {
  private sendOldValues = false;

  constructor(
    readonly storeName: string,
    private readonly ops:
      | { kind: "aggregate"; initializer: Initializer<VA>; adder: Aggregator<K, V, VA>; subtractor: Aggregator<K, V, VA> }
      | { kind: "reduce"; adder: Reducer<V>; subtractor: Reducer<V> },
  ) {}

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<K, VA> {
    return storeGetter(this.storeName);
  }

  get(): ContextualProcessor<never, never, never, never> {
    const ops = this.ops;
    return new (class extends ContextualProcessor<K, Change<V>, K, Change<VA>> {
      constructor(private readonly self: KTableAggregateSupplier<K, V, VA>) {
        super();
      }

      private store!: KeyValueStore<K, ValueAndTimestamp<VA>>;

      override init(context: ProcessorContext<K, Change<VA>>): void {
        super.init(context);
        this.store = context.getStateStore(this.self.storeName);
      }

      process(record: Record<K, Change<V>>): void {
        const key = record.key();
        if (key === null || key === undefined) {
          throw new StreamsException(`Record key for KTable ${ops.kind} operator with state ${this.self.storeName} should not be null.`);
        }
        const change = record.value();
        const old = this.store.get(key);
        const oldAgg = ValueAndTimestamp.getValueOrNull(old);
        let intermediate: VA | null;
        let newTimestamp = record.timestamp();
        if (change.oldValue !== null && oldAgg !== null) {
          intermediate =
            ops.kind === "aggregate"
              ? ops.subtractor(key, change.oldValue, oldAgg)
              : (ops.subtractor(oldAgg as unknown as V, change.oldValue) as unknown as VA);
          newTimestamp = Math.max(record.timestamp(), old!.timestamp());
        } else {
          intermediate = oldAgg;
        }
        let newAgg: VA | null;
        if (change.newValue !== null) {
          if (ops.kind === "aggregate") {
            newAgg = ops.adder(key, change.newValue, intermediate === null ? ops.initializer() : intermediate);
            if (old !== null) newTimestamp = Math.max(record.timestamp(), old.timestamp());
          } else if (intermediate === null) {
            newAgg = change.newValue as unknown as VA;
          } else {
            newAgg = ops.adder(intermediate as unknown as V, change.newValue) as unknown as VA;
            newTimestamp = Math.max(record.timestamp(), old!.timestamp());
          }
        } else {
          newAgg = intermediate;
        }
        this.store.put(key, ValueAndTimestamp.make(newAgg, newTimestamp));
        this.context().forward(record.withValue(new Change<VA>(newAgg, this.self.sendOldValues ? oldAgg : null, change.isLatest)).withTimestamp(newTimestamp));
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}
