import { Change } from "../../change";
import { StreamsException } from "../../errors";
import type { KeyValueLike } from "../../key-value";
import type { Record } from "../../record";
import { ValueAndTimestamp } from "../../state/state-store";
import type { KeyValueStore } from "../../state/key-value-store";
import { asInternal, ContextualProcessor, type ProcessorContext } from "../processor-context";
import { storeGetter, type KTableSupplier, type KTableValueGetter, type KTableValueGetterSupplier } from "./ktable-supplier";
import type { KeyValueMapper, Predicate, ValueMapperWithKey } from "./stateless";

/** What a table operator needs from the table it reads. */
export interface KTableParent<K, V> {
  enableSendingOldValues(forceMaterialization: boolean): boolean;
  valueGetterSupplier(): KTableValueGetterSupplier<K, V>;
}

type TimestampedStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;

/**
 * The source of a KTable (`builder.table`, `toTable`): an upsert per record, a delete for a
 * null value. It keeps a store only when something needs it (a join, groupBy, a queryable
 * name): Kafka then "materializes" the source.
 */
export class KTableSourceSupplier<K, V> implements KTableSupplier<K, V> {
  /** Read by its processors, per record: set while the topology is built. */
  sendOldValues = false;

  constructor(
    readonly storeName: string,
    /** Set once something needs the table materialized; its processors read it. */
    public queryableName: string | undefined,
  ) {}

  materialize(): void {
    this.queryableName = this.storeName;
  }

  materialized(): boolean {
    return this.queryableName !== undefined;
  }

  enableSendingOldValues(): boolean {
    this.sendOldValues = true;
    this.materialize();
    return true;
  }

  view(): KTableValueGetterSupplier<K, V> {
    this.materialize();
    return storeGetter(this.storeName);
  }

  get(): ContextualProcessor<never, never, never, never> {
    return new KTableSourceProcessor<K, V>(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}

/** One class for every table source (not one per get()): shared code keeps seeing one shape for it. */
class KTableSourceProcessor<K, V> extends ContextualProcessor<K, V, K, Change<V>> {
  constructor(private readonly self: KTableSourceSupplier<K, V>) {
    super();
  }

  private store: TimestampedStore<K, V> | undefined;

  override init(context: ProcessorContext<K, Change<V>>): void {
    super.init(context);
    if (this.self.queryableName !== undefined) this.store = context.getStateStore<TimestampedStore<K, V>>(this.self.queryableName);
  }

  process(record: Record<K, V>): void {
    if (record.key() === null || record.key() === undefined) {
      asInternal(this.context()).recordDropped("null-key", { timestamp: record.timestamp() });
      return;
    }
    if (!this.store) {
      this.context().forward(record.withValue(new Change<V>(record.value(), null)));
      return;
    }
    const old = ValueAndTimestamp.getValueOrNull(this.store.get(record.key()));
    this.store.put(record.key(), ValueAndTimestamp.make(record.value(), record.timestamp()));
    this.context().forward(record.withValue(new Change<V>(record.value(), this.self.sendOldValues ? old : null)));
  }
}

/** KTable.filter / filterNot: a record that fails the predicate becomes a delete (tombstone). */
export class KTableFilterSupplier<K, V> implements KTableSupplier<K, V> {
  private sendOldValues: boolean;

  constructor(
    private readonly parent: KTableParent<K, V>,
    private readonly predicate: Predicate<K, V>,
    private readonly filterNot: boolean,
    private readonly queryableName: string | undefined,
  ) {
    // An already-materialized parent lets us skip pointless tombstones.
    this.sendOldValues = parent.enableSendingOldValues(false);
  }

  private compute(key: K, value: V | null): V | null {
    return value !== null && value !== undefined && this.filterNot !== this.predicate(key, value) ? value : null;
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (this.queryableName !== undefined) {
      this.sendOldValues = true;
      return true;
    }
    if (this.parent.enableSendingOldValues(forceMaterialization)) this.sendOldValues = true;
    return this.sendOldValues;
  }

  view(): KTableValueGetterSupplier<K, V> {
    if (this.queryableName !== undefined) return storeGetter(this.queryableName);
    const parentView = this.parent.valueGetterSupplier();
    return {
      storeNames: () => parentView.storeNames(),
      get: () => {
        const inner = parentView.get();
        return {
          init: (ctx) => inner.init(ctx),
          get: (key) => {
            const vt = inner.get(key);
            return vt && this.compute(key, vt.value()) !== null ? vt : null;
          },
        };
      },
    };
  }

  get(): ContextualProcessor<never, never, never, never> {
    return new (class extends ContextualProcessor<K, Change<V>, K, Change<V>> {
      constructor(private readonly self: KTableFilterSupplier<K, V>) {
        super();
      }

      private store: TimestampedStore<K, V> | undefined;

      override init(context: ProcessorContext<K, Change<V>>): void {
        super.init(context);
        if (this.self.queryableName !== undefined) this.store = context.getStateStore<TimestampedStore<K, V>>(this.self.queryableName);
      }

      process(record: Record<K, Change<V>>): void {
        const change = record.value();
        const newValue = this.self.compute(record.key(), change.newValue);
        const oldValue = this.self.sendOldValues ? this.self.compute(record.key(), change.oldValue) : null;
        if (this.self.sendOldValues && oldValue === null && newValue === null) return;
        this.store?.put(record.key(), ValueAndTimestamp.make(newValue, record.timestamp()));
        this.context().forward(record.withValue(new Change(newValue, oldValue, change.isLatest)));
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}

/** KTable.mapValues: the mapper sees each new (and, when asked, old) value; deletes stay deletes. */
export class KTableMapValuesSupplier<K, V, VR> implements KTableSupplier<K, VR> {
  private sendOldValues = false;

  constructor(
    private readonly parent: KTableParent<K, V>,
    private readonly mapper: ValueMapperWithKey<K, V, VR>,
    private readonly queryableName: string | undefined,
  ) {}

  private compute(key: K, value: V | null): VR | null {
    return value === null || value === undefined ? null : this.mapper(key, value);
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (this.queryableName !== undefined) {
      this.sendOldValues = true;
      return true;
    }
    if (this.parent.enableSendingOldValues(forceMaterialization)) this.sendOldValues = true;
    return this.sendOldValues;
  }

  view(): KTableValueGetterSupplier<K, VR> {
    if (this.queryableName !== undefined) return storeGetter(this.queryableName);
    const parentView = this.parent.valueGetterSupplier();
    return {
      storeNames: () => parentView.storeNames(),
      get: () => {
        const inner = parentView.get();
        return {
          init: (ctx) => inner.init(ctx),
          get: (key): ValueAndTimestamp<VR> | null => {
            const vt = inner.get(key);
            return vt ? ValueAndTimestamp.make(this.compute(key, vt.value()), vt.timestamp()) : null;
          },
        };
      },
    };
  }

  get(): ContextualProcessor<never, never, never, never> {
    return new (class extends ContextualProcessor<K, Change<V>, K, Change<VR>> {
      constructor(private readonly self: KTableMapValuesSupplier<K, V, VR>) {
        super();
      }

      private store: TimestampedStore<K, VR> | undefined;

      override init(context: ProcessorContext<K, Change<VR>>): void {
        super.init(context);
        if (this.self.queryableName !== undefined) this.store = context.getStateStore<TimestampedStore<K, VR>>(this.self.queryableName);
      }

      process(record: Record<K, Change<V>>): void {
        const change = record.value();
        const newValue = this.self.compute(record.key(), change.newValue);
        let oldValue: VR | null = null;
        if (this.self.sendOldValues) {
          oldValue = this.store ? ValueAndTimestamp.getValueOrNull(this.store.get(record.key())) : this.self.compute(record.key(), change.oldValue);
        }
        this.store?.put(record.key(), ValueAndTimestamp.make(newValue, record.timestamp()));
        this.context().forward(record.withValue(new Change(newValue, oldValue, change.isLatest)));
      }
    })(this) as unknown as ContextualProcessor<never, never, never, never>;
  }
}

/**
 * KTable.groupBy: maps each update to its group key, sending a retraction of the old
 * pair and an addition of the new one, so the aggregate downstream can subtract and add.
 * When both land in the same group they travel together as one change.
 */
export class KTableRepartitionMapSupplier<K, V, KR, VR> implements KTableSupplier<KR, VR> {
  constructor(
    private readonly parent: KTableParent<K, V>,
    private readonly mapper: KeyValueMapper<K, V, KeyValueLike<KR, VR>>,
  ) {}

  enableSendingOldValues(): boolean {
    throw new StreamsException("KTableRepartitionMap should always require sending old values.");
  }

  view(): KTableValueGetterSupplier<KR, VR> {
    throw new StreamsException("A grouped table has no value getter: aggregate it first.");
  }

  /** @internal */
  parentTable(): KTableParent<K, V> {
    return this.parent;
  }

  get(): ContextualProcessor<never, never, never, never> {
    const mapper = this.mapper;
    return new (class extends ContextualProcessor<K, Change<V>, KR, Change<VR>> {
      process(record: Record<K, Change<V>>): void {
        if (record.key() === null || record.key() === undefined) {
          throw new StreamsException("Record key for the grouping KTable should not be null.");
        }
        const change = record.value();
        const newPair = change.newValue === null ? null : mapper(record.key(), change.newValue);
        const oldPair = change.oldValue === null ? null : mapper(record.key(), change.oldValue);
        const oldOk = oldPair !== null && oldPair.key !== null && oldPair.key !== undefined && oldPair.value !== null && oldPair.value !== undefined;
        const newOk = newPair !== null && newPair.key !== null && newPair.key !== undefined && newPair.value !== null && newPair.value !== undefined;
        if (oldOk && newOk && sameKey(oldPair.key, newPair.key)) {
          this.context().forward(record.withKey(oldPair.key).withValue(new Change<VR>(newPair.value, oldPair.value, change.isLatest)));
          return;
        }
        if (oldOk) this.context().forward(record.withKey(oldPair.key).withValue(new Change<VR>(null, oldPair.value, change.isLatest)));
        if (newOk) this.context().forward(record.withKey(newPair.key).withValue(new Change<VR>(newPair.value, null, change.isLatest)));
      }
    })() as unknown as ContextualProcessor<never, never, never, never>;
  }
}

function sameKey(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

export type { KTableValueGetter };
