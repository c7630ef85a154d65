import { Change } from "./change";
import { TopologyException, IllegalArgumentException } from "./errors";
import { Grouped } from "./grouped";
import type { KeyValueLike } from "./key-value";
import { Materialized } from "./materialized";
import { Named } from "./named";
import type { Serde } from "./serdes";
import type { Suppressed } from "./suppressed";
import { AbstractStream } from "./dsl/abstract-stream";
import { graphNode, type GraphNode, type InternalStreamsBuilder } from "./dsl/internal-builder";
import { keyValueStoreFor, materializedInternal } from "./dsl/materialize";
import { KGroupedTable } from "./kgrouped-table";
import { KStream, orElseGenerate, suffixWithOrElseGet } from "./kstream";
import type { KTableSupplier, KTableValueGetterSupplier } from "./processor/processors/ktable-supplier";
import { KTableFilterSupplier, KTableMapValuesSupplier, KTableRepartitionMapSupplier, type KTableParent } from "./processor/processors/ktable";
import { toStreamSupplier, withKey, type KeyValueMapper, type Predicate, type ValueMapper, type ValueMapperWithKey } from "./processor/processors/stateless";
import { KTableSuppressSupplier } from "./processor/processors/suppress";
import { TableTableJoinMergerSupplier, TableTableJoinSupplier, type TableJoinKind } from "./processor/processors/table-table-join";
import { AbstractStoreBuilder } from "./state/stores";
import { TimeOrderedKeyValueBuffer } from "./state/time-ordered-buffer";
import { DEFAULT_SERDE } from "./serdes";
import { KTableSourceSupplier } from "./processor/processors/ktable";

const FILTER_NAME = "KTABLE-FILTER-";
const JOINTHIS_NAME = "KTABLE-JOINTHIS-";
const JOINOTHER_NAME = "KTABLE-JOINOTHER-";
const MAPVALUES_NAME = "KTABLE-MAPVALUES-";
const MERGE_NAME = "KTABLE-MERGE-";
const SELECT_NAME = "KTABLE-SELECT-";
const SUPPRESS_NAME = "KTABLE-SUPPRESS-";
const TOSTREAM_NAME = "KTABLE-TOSTREAM-";

/** The joiner of a table-table join: (left, right), either may be null in left/outer joins. */
export type TableValueJoiner<V1, V2, VR> = (value1: V1, value2: V2) => VR;

class SuppressBufferBuilder extends AbstractStoreBuilder<TimeOrderedKeyValueBuffer<unknown, unknown>> {
  constructor(
    name: string,
    private readonly keySerde: Serde<unknown>,
    private readonly valueSerde: Serde<unknown>,
  ) {
    super(name, "buffer");
  }

  build(): TimeOrderedKeyValueBuffer<unknown, unknown> {
    return new TimeOrderedKeyValueBuffer(this.name, this.keySerde, this.valueSerde);
  }
}

/**
 * A changelog stream read as a table (Kafka's `KTable`): each record upserts its key, a
 * null value deletes it. Updates flow downstream as (new, old) changes; with record
 * caching off every update is forwarded.
 */
export class KTable<K, V> extends AbstractStream<K, V> implements KTableParent<K, V> {
  private sendOldValues = false;

  /** @internal */
  constructor(
    name: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    subTopologySourceNodes: ReadonlySet<string>,
    private readonly queryableName: string | undefined,
    /** @internal */
    readonly supplier: KTableSupplier<K, V>,
    graphNode: GraphNode,
    builder: InternalStreamsBuilder,
  ) {
    super(name, keySerde, valueSerde, subTopologySourceNodes, graphNode, builder);
  }

  /** The store name when the table was materialized with a name, else null. */
  queryableStoreName(): string | null {
    return this.queryableName ?? null;
  }

  /** @internal */
  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    return this.supplier.view();
  }

  /** @internal Asks this table to send old values with updates; may materialize its source. */
  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (!this.sendOldValues) {
      if (this.supplier instanceof KTableSourceSupplier) {
        if (!forceMaterialization && !this.supplier.materialized()) return false;
        this.supplier.enableSendingOldValues();
      } else if (!this.supplier.enableSendingOldValues(forceMaterialization)) {
        return false;
      }
      this.sendOldValues = true;
    }
    return true;
  }

  private tableChild<VR>(
    name: string,
    supplier: KTableSupplier<K, VR>,
    mi: ReturnType<typeof materializedInternal> | undefined,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<VR> | undefined,
  ): KTable<K, VR> {
    const queryable = mi?.queryable ? mi.storeName : undefined;
    const node = graphNode(
      name,
      (t, parents) => {
        t.addProcessorNode(name, supplier, parents);
        if (queryable !== undefined) t.addStateStore(keyValueStoreFor(mi!, keySerde as Serde<unknown>, valueSerde as Serde<unknown>), name);
      },
      { gracePassThrough: true },
    );
    this.builder.addGraphNode(this.graphNode, node);
    return new KTable<K, VR>(name, keySerde, valueSerde, this.subTopologySourceNodes, queryable, supplier, node, this.builder);
  }

  private doFilter(predicate: Predicate<K, V>, named: Named | Materialized<K, V> | undefined, materialized: Materialized<K, V> | undefined, filterNot: boolean): KTable<K, V> {
    const n = named instanceof Named ? named : undefined;
    const m = named instanceof Materialized ? named : materialized;
    let mi: ReturnType<typeof materializedInternal> | undefined;
    if (m) {
      mi = materializedInternal(m as Materialized<unknown, unknown>);
      // Kafka burns a store name here even though an unnamed store is never built.
      if (mi.storeName === undefined) this.builder.newStoreName(FILTER_NAME);
    }
    const name = orElseGenerate(this.builder, n, FILTER_NAME);
    const supplier = new KTableFilterSupplier<K, V>(this, predicate, filterNot, mi?.queryable ? mi.storeName : undefined);
    return this.tableChild(name, supplier, mi, (mi?.keySerde as Serde<K> | undefined) ?? this.keySerde, (mi?.valueSerde as Serde<V> | undefined) ?? this.valueSerde);
  }

  /** Keeps rows matching the predicate; a row that stops matching is deleted downstream (tombstone). */
  filter(predicate: Predicate<K, V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.doFilter(predicate, named, materialized, false);
  }

  filterNot(predicate: Predicate<K, V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.doFilter(predicate, named, materialized, true);
  }

  /** `(value) => …`, or `(readOnlyKey, value) => …` with annotated parameters (ValueMapperWithKey). */
  mapValues<VR>(mapper: ValueMapper<V, VR>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  mapValues<VR>(mapper: ValueMapperWithKey<K, V, VR>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  mapValues<VR>(
    mapper: ValueMapper<V, VR> | ValueMapperWithKey<K, V, VR>,
    named?: Named | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    const n = named instanceof Named ? named : undefined;
    const m = named instanceof Materialized ? named : materialized;
    let mi: ReturnType<typeof materializedInternal> | undefined;
    if (m) {
      mi = materializedInternal(m as Materialized<unknown, unknown>);
      if (mi.storeName === undefined) this.builder.newStoreName(MAPVALUES_NAME);
    }
    const name = orElseGenerate(this.builder, n, MAPVALUES_NAME);
    const supplier = new KTableMapValuesSupplier<K, V, VR>(this, withKey(mapper), mi?.queryable ? mi.storeName : undefined);
    return this.tableChild(name, supplier, mi, (mi?.keySerde as Serde<K> | undefined) ?? this.keySerde, mi?.valueSerde as Serde<VR> | undefined);
  }

  /** The table's changelog as a stream: one record per update (deletes as null values). */
  toStream(named?: Named): KStream<K, V>;
  toStream<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V>;
  toStream<KR>(a?: Named | KeyValueMapper<K, V, KR>, b?: Named): KStream<K, V> | KStream<KR, V> {
    const named = a instanceof Named ? a : typeof a === "function" ? b : undefined;
    const name = orElseGenerate(this.builder, named, TOSTREAM_NAME);
    const node = graphNode(name, (t, parents) => t.addProcessorNode(name, toStreamSupplier() as never, parents));
    this.builder.addGraphNode(this.graphNode, node);
    const stream = new KStream<K, V>(name, this.keySerde, this.valueSerde, this.subTopologySourceNodes, false, node, this.builder);
    return typeof a === "function" ? stream.selectKey(a) : stream;
  }

  /**
   * Regroups the table by a new key; the grouped aggregate subtracts each row's old value
   * from its old group and adds its new value to its new group.
   */
  groupBy<KR, VR>(selector: KeyValueMapper<K, V, KeyValueLike<KR, VR>>, grouped?: Grouped<KR, VR>): KGroupedTable<KR, VR> {
    const g = grouped ?? Grouped.with<KR, VR>();
    const name = orElseGenerate(this.builder, g.name, SELECT_NAME);
    const supplier = new KTableRepartitionMapSupplier<K, V, KR, VR>(this, selector);
    const node = graphNode(name, (t, parents) => t.addProcessorNode(name, supplier as never, parents));
    this.builder.addGraphNode(this.graphNode, node);
    this.enableSendingOldValues(true);
    return new KGroupedTable<KR, VR>(this.builder, name, this.subTopologySourceNodes, g, node);
  }

  join<VO, VR>(other: KTable<K, VO>, joiner: TableValueJoiner<V, VO, VR>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return this.doJoin(other, joiner as TableValueJoiner<V | null, VO | null, VR>, named, materialized, "inner");
  }

  leftJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: TableValueJoiner<V, VO | null, VR>,
    named?: Named | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return this.doJoin(other, joiner as TableValueJoiner<V | null, VO | null, VR>, named, materialized, "left");
  }

  outerJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: TableValueJoiner<V | null, VO | null, VR>,
    named?: Named | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR> {
    return this.doJoin(other, joiner, named, materialized, "outer");
  }

  private doJoin<VO, VR>(
    other: KTable<K, VO>,
    joiner: TableValueJoiner<V | null, VO | null, VR>,
    named: Named | Materialized<K, VR> | undefined,
    materialized: Materialized<K, VR> | undefined,
    kind: "inner" | "left" | "outer",
  ): KTable<K, VR> {
    if (!(other instanceof KTable)) throw new IllegalArgumentException("other can't be null");
    if (typeof joiner !== "function") throw new IllegalArgumentException("joiner can't be null");
    const b = this.builder;
    const n = named instanceof Named ? named.name : undefined;
    const m = named instanceof Materialized ? named : materialized;
    const mi = m ? materializedInternal(m as Materialized<unknown, unknown>, b, MERGE_NAME) : undefined;
    const mergeName = orElseGenerate(b, n, MERGE_NAME);
    const sources = this.ensureCopartitionWith([other as KTable<unknown, unknown>]);
    const leftOuter = kind !== "inner";
    const rightOuter = kind === "outer";
    if (leftOuter) this.enableSendingOldValues(true);
    if (rightOuter) other.enableSendingOldValues(true);
    const thisKind: TableJoinKind = kind;
    const otherKind: TableJoinKind = kind === "left" ? "right" : kind;
    const joinThis = new TableTableJoinSupplier<K, V, VO, VR>(thisKind, this, other, (a, c) => joiner(a, c));
    const joinOther = new TableTableJoinSupplier<K, VO, V, VR>(otherKind, other, this, (c, a) => joiner(a, c));
    const joinThisName = suffixWithOrElseGet(b, n, "-join-this", JOINTHIS_NAME);
    const joinOtherName = suffixWithOrElseGet(b, n, "-join-other", JOINOTHER_NAME);
    const thisStores = this.valueGetterSupplier().storeNames();
    const otherStores = other.valueGetterSupplier().storeNames();
    const queryable = mi ? mi.storeName : undefined;
    const merger = new TableTableJoinMergerSupplier<K, VR>(joinThis as never, joinOther as never, queryable);
    const thisName = this.name;
    const otherName = other.name;
    const keySerde = (mi?.keySerde as Serde<K> | undefined) ?? this.keySerde;
    const valueSerde = mi?.valueSerde as Serde<VR> | undefined;
    const node = graphNode(
      mergeName,
      (t) => {
        t.addProcessorNode(joinThisName, joinThis, [thisName]);
        t.addProcessorNode(joinOtherName, joinOther, [otherName]);
        t.addProcessorNode(mergeName, merger, [joinThisName, joinOtherName]);
        if (otherStores.length > 0) t.connectProcessorAndStateStores(joinThisName, ...otherStores);
        if (thisStores.length > 0) t.connectProcessorAndStateStores(joinOtherName, ...thisStores);
        if (mi) t.addStateStore(keyValueStoreFor(mi, keySerde as Serde<unknown>, valueSerde as Serde<unknown>), mergeName);
      },
      { gracePassThrough: true },
    );
    b.addGraphNode(this.graphNode, node);
    b.addGraphNode(other.graphNode, node);
    return new KTable<K, VR>(mergeName, keySerde, valueSerde, sources, queryable, merger, node, b);
  }

  /**
   * Holds back updates: `Suppressed.untilWindowCloses(BufferConfig.unbounded())` emits only
   * each window's final result when it closes; `untilTimeLimit` rate-limits per key.
   */
  suppress(suppressed: Suppressed): KTable<K, V> {
    const b = this.builder;
    const name = suppressed.name ?? b.newProcessorName(SUPPRESS_NAME);
    const duration = suppressed.kind === "untilWindowCloses" ? findAndVerifyWindowGrace(this.graphNode) : suppressed.timeToWaitMs;
    const storeName = suppressed.name !== undefined ? `${suppressed.name}-store` : b.newStoreName(SUPPRESS_NAME);
    const supplier = new KTableSuppressSupplier<K, V>(suppressed, duration, storeName, this);
    const keySerde = (this.keySerde ?? DEFAULT_SERDE) as Serde<unknown>;
    const valueSerde = (this.valueSerde ?? DEFAULT_SERDE) as Serde<unknown>;
    const node = graphNode(
      name,
      (t, parents) => {
        t.addProcessorNode(name, supplier, parents);
        const store = new SuppressBufferBuilder(storeName, keySerde, valueSerde);
        if (suppressed.bufferConfig.loggingEnabled) store.withLoggingEnabled();
        else store.withLoggingDisabled();
        t.addStateStore(store, name);
      },
      { gracePassThrough: true },
    );
    b.addGraphNode(this.graphNode, node);
    return new KTable<K, V>(name, this.keySerde, this.valueSerde, new Set([this.name]), undefined, supplier, node, b);
  }
}

/**
 * The grace period that suppress(untilWindowCloses) waits for: the smallest grace of the
 * windowed aggregations upstream (Kafka's GraphGraceSearchUtil).
 */
function findAndVerifyWindowGrace(node: GraphNode): number {
  const chain: string[] = [];
  const search = (n: GraphNode): number => {
    chain.push(n.name);
    if (n.windowGraceMs !== undefined) return n.windowGraceMs;
    const parents = n.parents.filter((p) => p.name !== "root");
    if (parents.length === 0 || n.sourceTopics) {
      throw new TopologyException(`Window close time is only defined for windowed computations. Got [${chain.join("->")}].`);
    }
    return Math.min(...parents.map(search));
  };
  return search(node);
}

export { Change };
