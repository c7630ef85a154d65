import { Change } from "../../change";
import type { Record } from "../../record";
import { ValueAndTimestamp } from "../../state/state-store";
import type { KeyValueStore } from "../../state/key-value-store";
import { asInternal, ContextualProcessor, type ProcessorContext } from "../processor-context";
import { storeGetter, type KTableSupplier, type KTableValueGetter, type KTableValueGetterSupplier } from "./ktable-supplier";
import type { KTableParent } from "./ktable";

export type TableJoinKind = "inner" | "left" | "right" | "outer";

/** Joiner of a table-table join side, oriented for that side: (this value, other value). */
export type TableJoiner<V1, V2, VR> = (value1: V1 | null, value2: V2 | null) => VR;

function joinedValue<V1, V2, VR>(
  kind: TableJoinKind,
  joiner: TableJoiner<V1, V2, VR>,
  thisVt: ValueAndTimestamp<V1> | null,
  otherVt: ValueAndTimestamp<V2> | null,
): ValueAndTimestamp<VR> | null {
  const a = ValueAndTimestamp.getValueOrNull(thisVt);
  const b = ValueAndTimestamp.getValueOrNull(otherVt);
  const ts = Math.max(thisVt?.timestamp() ?? -1, otherVt?.timestamp() ?? -1);
  switch (kind) {
    case "inner":
    case "right":
      return a !== null && b !== null ? ValueAndTimestamp.make(joiner(a, b), ts) : null;
    case "left":
      return a !== null ? ValueAndTimestamp.make(joiner(a, b), ts) : null;
    case "outer":
      return a !== null || b !== null ? ValueAndTimestamp.make(joiner(a, b), ts) : null;
  }
}

/**
 * One side of a KTable-KTable join (KTableKTableInnerJoin / LeftJoin / RightJoin /
 * OuterJoin): an update on this side is joined with the other side's current value.
 * Output timestamp = max of the two. A delete becomes a tombstone while the other side exists.
 */
export class TableTableJoinSupplier<K, V1, V2, VR> implements KTableSupplier<K, VR> {
  private sendOldValues = false;

  constructor(
    private readonly kind: TableJoinKind,
    private readonly thisTable: KTableParent<K, V1>,
    private readonly otherTable: KTableParent<K, V2>,
    private readonly joiner: TableJoiner<V1, V2, VR>,
  ) {}

  enableSendingOldValues(): boolean {
    this.thisTable.enableSendingOldValues(true);
    this.otherTable.enableSendingOldValues(true);
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<K, VR> {
    const thisView = this.thisTable.valueGetterSupplier();
    const otherView = this.otherTable.valueGetterSupplier();
    const { kind, joiner } = this;
    return {
      storeNames: () => [...thisView.storeNames(), ...otherView.storeNames()],
      get: () => {
        const g1 = thisView.get();
        const g2 = otherView.get();
        return {
          init(ctx) {
            g1.init(ctx);
            g2.init(ctx);
          },
          get: (key) => joinedValue(kind, joiner, g1.get(key), g2.get(key)),
        };
      },
    };
  }

  get(): ContextualProcessor<never, never, never, never> {
    const otherView = this.otherTable.valueGetterSupplier();
    return new (class extends ContextualProcessor<K, Change<V1>, K, Change<VR>> {
      constructor(private readonly self: TableTableJoinSupplier<K, V1, V2, VR>) {
        super();
      }

      private readonly other: KTableValueGetter<K, V2> = otherView.get();

      override init(context: ProcessorContext<K, Change<VR>>): void {
        super.init(context);
        this.other.init(context as ProcessorContext<unknown, unknown>);
      }

      process(record: Record<K, Change<V1>>): void {
        const key = record.key();
        if (key === null || key === undefined) {
          asInternal(this.context()).recordDropped("null-key", { timestamp: record.timestamp() });
          return;
        }
        const change = record.value();
        const otherVt = this.other.get(key);
        const other = ValueAndTimestamp.getValueOrNull(otherVt);
        let newValue: VR | null = null;
        let oldValue: VR | null = null;
        let ts: number;
        switch (this.self.kind) {
          case "inner":
            if (other === null) return;
            ts = Math.max(record.timestamp(), otherVt!.timestamp());
            if (change.newValue !== null) newValue = this.self.joiner(change.newValue, other);
            if (this.self.sendOldValues && change.oldValue !== null) oldValue = this.self.joiner(change.oldValue, other);
            break;
          case "left":
            if (other === null && change.newValue === null && change.oldValue === null) return;
            ts = Math.max(record.timestamp(), other === null ? -1 : otherVt!.timestamp());
            if (change.newValue !== null) newValue = this.self.joiner(change.newValue, other);
            if (this.self.sendOldValues && change.oldValue !== null) oldValue = this.self.joiner(change.oldValue, other);
            break;
          case "right":
            if (other === null) return;
            ts = Math.max(record.timestamp(), otherVt!.timestamp());
            newValue = this.self.joiner(change.newValue, other);
            if (this.self.sendOldValues) oldValue = this.self.joiner(change.oldValue, other);
            break;
          case "outer":
            if (other === null && change.newValue === null && change.oldValue === null) return;
            ts = other === null ? record.timestamp() : Math.max(record.timestamp(), otherVt!.timestamp());
            if (other !== null || change.newValue !== null) newValue = this.self.joiner(change.newValue, other);
            if (this.self.sendOldValues && (other !== null || change.oldValue !== null)) oldValue = this.self.joiner(change.oldValue, other);
            break;
        }
        this.context().forward(record.withValue(new Change<VR>(newValue, oldValue, change.isLatest)).withTimestamp(ts));
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}

/** Merges both join sides into one KTable; keeps a store only when the result is materialized. */
export class TableTableJoinMergerSupplier<K, VR> implements KTableSupplier<K, VR> {
  private sendOldValues = false;

  constructor(
    private readonly thisSide: TableTableJoinSupplier<K, unknown, unknown, VR>,
    private readonly otherSide: TableTableJoinSupplier<K, unknown, unknown, VR>,
    private readonly queryableName: string | undefined,
  ) {}

  enableSendingOldValues(): boolean {
    this.thisSide.enableSendingOldValues();
    this.otherSide.enableSendingOldValues();
    this.sendOldValues = true;
    return true;
  }

  view(): KTableValueGetterSupplier<K, VR> {
    return this.queryableName !== undefined ? storeGetter(this.queryableName) : this.thisSide.view();
  }

  get(): ContextualProcessor<never, never, never, never> {
    return new (class extends ContextualProcessor<K, Change<VR>, K, Change<VR>> {
      constructor(private readonly self: TableTableJoinMergerSupplier<K, VR>) {
        super();
      }

      private store: KeyValueStore<K, ValueAndTimestamp<VR>> | undefined;

      override init(context: ProcessorContext<K, Change<VR>>): void {
        super.init(context);
        if (this.self.queryableName !== undefined) this.store = context.getStateStore<KeyValueStore<K, ValueAndTimestamp<VR>>>(this.self.queryableName);
      }

      process(record: Record<K, Change<VR>>): void {
        const change = record.value();
        this.store?.put(record.key(), ValueAndTimestamp.make(change.newValue, record.timestamp()));
        this.context().forward(this.self.sendOldValues ? record : record.withValue(new Change<VR>(change.newValue, null, change.isLatest)));
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}
