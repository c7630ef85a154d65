import type { Record } from "../../record";
import { ValueAndTimestamp } from "../../state/state-store";
import { asInternal, ContextualProcessor, type ProcessorContext, type ProcessorSupplierObject } from "../processor-context";
import type { KTableValueGetter, KTableValueGetterSupplier } from "./ktable-supplier";

/**
 * Stream-table join (KStreamKTableJoin, and KStreamGlobalKTableJoin with a key selector):
 * only stream records trigger; each looks up the table's current value. Inner joins emit
 * nothing without a table value, left joins emit (value, null). Records with a null value
 * are dropped, and null keys too, except that a left join keeps them (KIP-962).
 */
interface StreamTableJoinOptions<K, V, KT, VT, VR> {
  getter: KTableValueGetterSupplier<KT, VT>;
  keyMapper: (key: K, value: V) => KT;
  joiner: (key: K, value: V, tableValue: VT | null) => VR;
  leftJoin: boolean;
}

export function streamTableJoinSupplier<K, V, KT, VT, VR>(opts: StreamTableJoinOptions<K, V, KT, VT, VR>): ProcessorSupplierObject<K, V, K, VR> {
  return { get: () => new StreamTableJoinProcessor(opts) };
}

/** One class for every such join (not one per get()): shared code keeps seeing one shape for it. */
class StreamTableJoinProcessor<K, V, KT, VT, VR> extends ContextualProcessor<K, V, K, VR> {
  private readonly getter: KTableValueGetter<KT, VT>;

  constructor(private readonly opts: StreamTableJoinOptions<K, V, KT, VT, VR>) {
    super();
    this.getter = opts.getter.get();
  }

  override init(context: ProcessorContext<K, VR>): void {
    super.init(context);
    this.getter.init(context as ProcessorContext<unknown, unknown>);
  }

  process(record: Record<K, V>): void {
    const opts = this.opts;
    const key = record.key();
    const value = record.value();
    const nullKey = key === null || key === undefined;
    const nullValue = value === null || value === undefined;
    // As in Kafka, the key mapper sees every record (a global-table key may come from the value).
    const mappedKey = opts.keyMapper(key, value);
    const keepNullKey = opts.leftJoin && nullKey && !nullValue;
    if (!keepNullKey && (mappedKey === null || mappedKey === undefined || nullValue)) {
      asInternal(this.context()).recordDropped("null-key-or-value", { key, timestamp: record.timestamp() });
      return;
    }
    const tableValue = mappedKey === null || mappedKey === undefined ? null : ValueAndTimestamp.getValueOrNull(this.getter.get(mappedKey));
    if (opts.leftJoin || tableValue !== null) this.context().forward(record.withValue(opts.joiner(key, value, tableValue)));
  }
}
