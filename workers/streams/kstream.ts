import { IllegalArgumentException, TopologyException } from "./errors";
import { Grouped, Grouped as GroupedClass } from "./grouped";
import { Joined } from "./joined";
import { StreamJoined } from "./joined";
import type { KeyValueLike } from "./key-value";
import { Materialized } from "./materialized";
import { Named } from "./named";
import { Produced } from "./produced";
import { Repartitioned } from "./repartitioned";
import type { Serde } from "./serdes";
import { AbstractStream } from "./dsl/abstract-stream";
import { graphNode, type GraphNode, type InternalStreamsBuilder } from "./dsl/internal-builder";
import { keyValueStoreFor, materializedInternal } from "./dsl/materialize";
import { repartitionNames, streamRepartitionNode } from "./dsl/repartition";
import { BranchedKStream } from "./branched-kstream";
import { KGroupedStream } from "./kgrouped-stream";
import { KTable } from "./ktable";
import { GlobalKTable } from "./global-ktable";
import { KTableSourceSupplier } from "./processor/processors/ktable";
import {
  filterSupplier,
  flatMapSupplier,
  flatMapValuesSupplier,
  foreachSupplier,
  mapSupplier,
  mapValuesSupplier,
  passThroughSupplier,
  peekSupplier,
  selectKeySupplier,
  withKey,
  type ForeachAction,
  type KeyValueMapper,
  type Predicate,
  type ValueMapper,
  type ValueMapperWithKey,
} from "./processor/processors/stateless";
import { joinWindowSupplier, streamStreamJoinSupplier, TimeTrackerSupplier } from "./processor/processors/stream-stream-join";
import { streamTableJoinSupplier } from "./processor/processors/stream-table-join";
import type { ProcessorSupplier } from "./processor/processor-context";
import { fixedKeySupplier } from "./processor/processors/process-values";
import { Stores } from "./state/stores";
import { OuterJoinStore } from "./state/outer-join-store";
import { AbstractStoreBuilder } from "./state/stores";
import { DEFAULT_SERDE } from "./serdes";
import type { JoinWindows } from "./windows/join-windows";
import type { TopicNameExtractor } from "./topology";

/** Kafka's `ValueJoiner` (v1, v2) and `ValueJoinerWithKey` (key, v1, v2): picked by arity. */
export type ValueJoiner<V1, V2, VR> = (value1: V1, value2: V2) => VR;
export type ValueJoinerWithKey<K, V1, V2, VR> = (readOnlyKey: K, value1: V1, value2: V2) => VR;

export function joinerWithKey<K, V1, V2, VR>(joiner: ValueJoiner<V1, V2, VR> | ValueJoinerWithKey<K, V1, V2, VR>): ValueJoinerWithKey<K, V1, V2, VR> {
  if (joiner.length >= 3) return joiner as ValueJoinerWithKey<K, V1, V2, VR>;
  return (_k, v1, v2) => (joiner as ValueJoiner<V1, V2, VR>)(v1, v2);
}

const FILTER_NAME = "KSTREAM-FILTER-";
const PEEK_NAME = "KSTREAM-PEEK-";
const FLATMAP_NAME = "KSTREAM-FLATMAP-";
const FLATMAPVALUES_NAME = "KSTREAM-FLATMAPVALUES-";
const MAP_NAME = "KSTREAM-MAP-";
const MAPVALUES_NAME = "KSTREAM-MAPVALUES-";
const PROCESSOR_NAME = "KSTREAM-PROCESSOR-";
const PROCESSVALUES_NAME = "KSTREAM-PROCESSVALUES-";
const KEY_SELECT_NAME = "KSTREAM-KEY-SELECT-";
const FOREACH_NAME = "KSTREAM-FOREACH-";
const TO_KTABLE_NAME = "KSTREAM-TOTABLE-";
const REPARTITION_NAME = "KSTREAM-REPARTITION-";
const SINK_NAME = "KSTREAM-SINK-";
const MERGE_NAME = "KSTREAM-MERGE-";
const WINDOWED_NAME = "KSTREAM-WINDOWED-";
const JOINTHIS_NAME = "KSTREAM-JOINTHIS-";
const JOINOTHER_NAME = "KSTREAM-JOINOTHER-";
const OUTERTHIS_NAME = "KSTREAM-OUTERTHIS-";
const OUTEROTHER_NAME = "KSTREAM-OUTEROTHER-";
const OUTERSHARED_NAME = "KSTREAM-OUTERSHARED-";
const JOIN_NAME = "KSTREAM-JOIN-";
const LEFTJOIN_NAME = "KSTREAM-LEFTJOIN-";

/** Kafka's NamedInternal rules: a given name wins, but the counter is burned anyway. */
export function orElseGenerate(builder: InternalStreamsBuilder, named: Named | string | undefined, prefix: string): string {
  const generated = builder.newProcessorName(prefix);
  const name = typeof named === "string" ? named : named?.name;
  return name ?? generated;
}

export function suffixWithOrElseGet(builder: InternalStreamsBuilder, named: string | undefined, suffix: string, prefix: string): string {
  const generated = builder.newProcessorName(prefix);
  return named === undefined ? generated : named + suffix;
}

/**
 * A record stream (Kafka's `KStream`): every record is an independent event. Operators
 * return new streams; nothing runs until the topology is built and driven.
 */
export class KStream<K, V> extends AbstractStream<K, V> {
  private repartitionNodeForJoin: { name: string; stream: KStream<K, V> } | undefined;

  /** @internal */
  constructor(
    name: string,
    keySerde: Serde<K> | undefined,
    valueSerde: Serde<V> | undefined,
    subTopologySourceNodes: ReadonlySet<string>,
    /** @internal The key may have changed since the source: a join or grouping must repartition. */
    readonly repartitionRequired: boolean,
    graphNode: GraphNode,
    builder: InternalStreamsBuilder,
  ) {
    super(name, keySerde, valueSerde, subTopologySourceNodes, graphNode, builder);
  }

  private child<KR, VR>(
    name: string,
    supplier: ProcessorSupplier<never, never, never, never>,
    opts: { keySerde?: Serde<KR> | undefined; valueSerde?: Serde<VR> | undefined; repartitionRequired?: boolean } = {},
  ): KStream<KR, VR> {
    const node = graphNode(name, (t, parents) => t.addProcessorNode(name, supplier, parents));
    this.builder.addGraphNode(this.graphNode, node);
    return new KStream<KR, VR>(
      name,
      opts.keySerde,
      opts.valueSerde,
      this.subTopologySourceNodes,
      opts.repartitionRequired ?? this.repartitionRequired,
      node,
      this.builder,
    );
  }

  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    const name = orElseGenerate(this.builder, named, FILTER_NAME);
    return this.child(name, filterSupplier(predicate, false) as never, { keySerde: this.keySerde, valueSerde: this.valueSerde });
  }

  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    const name = orElseGenerate(this.builder, named, FILTER_NAME);
    return this.child(name, filterSupplier(predicate, true) as never, { keySerde: this.keySerde, valueSerde: this.valueSerde });
  }

  /** A new key per record; the stream must be repartitioned before a join or aggregation. */
  selectKey<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V> {
    const name = orElseGenerate(this.builder, named, KEY_SELECT_NAME);
    return this.child<KR, V>(name, selectKeySupplier(mapper) as never, { valueSerde: this.valueSerde, repartitionRequired: true });
  }

  /** A new key and value per record (`KeyValue.pair(k, v)` or `{ key, value }`). */
  map<KR, VR>(mapper: KeyValueMapper<K, V, KeyValueLike<KR, VR>>, named?: Named): KStream<KR, VR> {
    const name = orElseGenerate(this.builder, named, MAP_NAME);
    return this.child<KR, VR>(name, mapSupplier(mapper) as never, { repartitionRequired: true });
  }

  /**
   * A new value per record: `(value) => …`, or `(readOnlyKey, value) => …` (Kafka's
   * ValueMapperWithKey, picked by the function's arity; TypeScript needs the two parameters
   * annotated in that form, e.g. `(k: string, v: Order) => …`).
   */
  mapValues<VR>(mapper: ValueMapper<V, VR>, named?: Named): KStream<K, VR>;
  mapValues<VR>(mapper: ValueMapperWithKey<K, V, VR>, named?: Named): KStream<K, VR>;
  mapValues<VR>(mapper: ValueMapper<V, VR> | ValueMapperWithKey<K, V, VR>, named?: Named): KStream<K, VR> {
    const name = orElseGenerate(this.builder, named, MAPVALUES_NAME);
    return this.child<K, VR>(name, mapValuesSupplier(withKey(mapper)) as never, { keySerde: this.keySerde });
  }

  /** Zero or more records per record. */
  flatMap<KR, VR>(mapper: KeyValueMapper<K, V, Iterable<KeyValueLike<KR, VR>>>, named?: Named): KStream<KR, VR> {
    const name = orElseGenerate(this.builder, named, FLATMAP_NAME);
    return this.child<KR, VR>(name, flatMapSupplier(mapper) as never, { repartitionRequired: true });
  }

  flatMapValues<VR>(mapper: ValueMapper<V, Iterable<VR>>, named?: Named): KStream<K, VR>;
  flatMapValues<VR>(mapper: ValueMapperWithKey<K, V, Iterable<VR>>, named?: Named): KStream<K, VR>;
  flatMapValues<VR>(mapper: ValueMapper<V, Iterable<VR>> | ValueMapperWithKey<K, V, Iterable<VR>>, named?: Named): KStream<K, VR> {
    const name = orElseGenerate(this.builder, named, FLATMAPVALUES_NAME);
    return this.child<K, VR>(name, flatMapValuesSupplier(withKey(mapper)) as never, { keySerde: this.keySerde });
  }

  peek(action: ForeachAction<K, V>, named?: Named): KStream<K, V> {
    const name = orElseGenerate(this.builder, named, PEEK_NAME);
    return this.child(name, peekSupplier(action) as never, { keySerde: this.keySerde, valueSerde: this.valueSerde });
  }

  foreach(action: ForeachAction<K, V>, named?: Named): void {
    const name = orElseGenerate(this.builder, named, FOREACH_NAME);
    this.child(name, foreachSupplier(action) as never);
  }

  /** Routes each record to the first branch whose predicate matches (`split().branch(…).defaultBranch()`). */
  split(named?: Named): BranchedKStream<K, V> {
    return new BranchedKStream(this, this.repartitionRequired, named?.name);
  }

  merge(stream: KStream<K, V>, named?: Named): KStream<K, V> {
    const name = orElseGenerate(this.builder, named, MERGE_NAME);
    const node = graphNode(name, (t, parents) => t.addProcessorNode(name, passThroughSupplier() as never, parents));
    this.builder.addGraphNode([this.graphNode, stream.graphNode], node);
    const sources = new Set([...this.subTopologySourceNodes, ...stream.subTopologySourceNodes]);
    return new KStream<K, V>(name, undefined, undefined, sources, this.repartitionRequired || stream.repartitionRequired, node, this.builder);
  }

  /** Writes through a repartition topic `<application.id>-<name>-repartition` and reads it back. */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const r = repartitioned ?? Repartitioned.with<K, V>();
    const name = r.name ?? this.builder.newProcessorName(REPARTITION_NAME);
    const names = repartitionNames(this.builder, name);
    const keySerde = r.keySerde ?? this.keySerde;
    const valueSerde = r.valueSerde ?? this.valueSerde;
    const node = streamRepartitionNode(names, {
      keySerde: keySerde as Serde<unknown> | undefined,
      valueSerde: valueSerde as Serde<unknown> | undefined,
      partitioner: r.partitioner as never,
      numberOfPartitions: r.numberOfPartitions,
    });
    this.builder.addGraphNode(this.graphNode, node);
    return new KStream<K, V>(names.sourceName, keySerde, valueSerde, new Set([names.sourceName]), false, node, this.builder);
  }

  /** Writes every record to `topic` (or to the topic an extractor picks per record). */
  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    const p = produced ?? Produced.with<K, V>();
    const name = orElseGenerate(this.builder, p.processorName, SINK_NAME);
    const keySerde = p.keySerde ?? this.keySerde;
    const valueSerde = p.valueSerde ?? this.valueSerde;
    const node = graphNode(name, (t, parents) =>
      t.addSinkNode(
        {
          name,
          topic: topic as string | TopicNameExtractor<never, never>,
          keySerde: keySerde as Serde<unknown> | undefined,
          valueSerde: valueSerde as Serde<unknown> | undefined,
          partitioner: p.partitioner as never,
        },
        parents,
        false,
      ),
    );
    this.builder.addGraphNode(this.graphNode, node);
  }

  /** Reads the stream as a changelog: each record upserts its key (null deletes). */
  toTable(named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const n = named instanceof Named ? named : undefined;
    const m = named instanceof Materialized ? named : materialized;
    const name = orElseGenerate(this.builder, n, TO_KTABLE_NAME);
    const mi = materializedInternal(m as Materialized<unknown, unknown> | undefined, this.builder, TO_KTABLE_NAME);
    const keySerde = (mi.keySerde as Serde<K> | undefined) ?? this.keySerde;
    const valueSerde = (mi.valueSerde as Serde<V> | undefined) ?? this.valueSerde;
    let parent = this.graphNode;
    let sources = this.subTopologySourceNodes;
    if (this.repartitionRequired) {
      const names = repartitionNames(this.builder, name);
      const rnode = streamRepartitionNode(names, { keySerde: keySerde as Serde<unknown> | undefined, valueSerde: valueSerde as Serde<unknown> | undefined });
      this.builder.addGraphNode(this.graphNode, rnode);
      parent = rnode;
      sources = new Set([names.sourceName]);
    }
    const supplier = new KTableSourceSupplier<K, V>(mi.storeName!, mi.queryable ? mi.storeName : undefined);
    const node = graphNode(name, (t, parents) => {
      t.addProcessorNode(name, supplier as never, parents);
      if (supplier.materialized()) t.addStateStore(keyValueStoreFor(mi, keySerde as Serde<unknown>, valueSerde as Serde<unknown>), name);
    });
    this.builder.addGraphNode(parent, node);
    return new KTable<K, V>(name, keySerde, valueSerde, sources, mi.queryable ? mi.storeName : undefined, supplier, node, this.builder);
  }

  /** Groups by a new key (repartitions before the aggregate). */
  groupBy<KR>(keySelector: KeyValueMapper<K, V, KR>, grouped?: Grouped<KR, V>): KGroupedStream<KR, V> {
    const g = grouped ?? GroupedClass.with<KR, V>(undefined, this.valueSerde);
    const name = orElseGenerate(this.builder, g.name, KEY_SELECT_NAME);
    const node = graphNode(name, (t, parents) => t.addProcessorNode(name, selectKeySupplier(keySelector) as never, parents));
    this.builder.addGraphNode(this.graphNode, node);
    return new KGroupedStream<KR, V>(this.builder, name, this.subTopologySourceNodes, g, true, node);
  }

  /** Groups by the current key (repartitions only if the key changed upstream). */
  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    const g = grouped ?? GroupedClass.with<K, V>(this.keySerde, this.valueSerde);
    return new KGroupedStream<K, V>(this.builder, this.name, this.subTopologySourceNodes, g, this.repartitionRequired, this.graphNode);
  }

  /**
   * Windowed stream-stream join, stream-table join, or stream-globalTable join (with a key
   * selector). The joiner is `(value, otherValue) => …`, or `(readOnlyKey, value, otherValue) => …`
   * (ValueJoinerWithKey, picked by arity; annotate its parameters in TypeScript).
   */
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoinerWithKey<K, V, VO, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  join<VO, VR>(table: KTable<K, VO>, joiner: ValueJoiner<V, VO, VR>, joined?: Joined<K, V, VO>): KStream<K, VR>;
  join<VO, VR>(table: KTable<K, VO>, joiner: ValueJoinerWithKey<K, V, VO, VR>, joined?: Joined<K, V, VO>): KStream<K, VR>;
  join<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: KeyValueMapper<K, V, KG>, joiner: ValueJoiner<V, VG, VR>, named?: Named): KStream<K, VR>;
  join<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: KeyValueMapper<K, V, KG>, joiner: ValueJoinerWithKey<K, V, VG, VR>, named?: Named): KStream<K, VR>;
  join(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, unknown> {
    return this.dispatchJoin(other, a, b, c, false, false);
  }

  /** Like join(), but every record of this stream produces output; a missing partner is null. */
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO | null, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: ValueJoinerWithKey<K, V, VO | null, VR>,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  leftJoin<VO, VR>(table: KTable<K, VO>, joiner: ValueJoiner<V, VO | null, VR>, joined?: Joined<K, V, VO>): KStream<K, VR>;
  leftJoin<VO, VR>(table: KTable<K, VO>, joiner: ValueJoinerWithKey<K, V, VO | null, VR>, joined?: Joined<K, V, VO>): KStream<K, VR>;
  leftJoin<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: KeyValueMapper<K, V, KG>, joiner: ValueJoiner<V, VG | null, VR>, named?: Named): KStream<K, VR>;
  leftJoin<KG, VG, VR>(
    globalTable: GlobalKTable<KG, VG>,
    keySelector: KeyValueMapper<K, V, KG>,
    joiner: ValueJoinerWithKey<K, V, VG | null, VR>,
    named?: Named,
  ): KStream<K, VR>;
  leftJoin(other: unknown, a: unknown, b?: unknown, c?: unknown): KStream<K, unknown> {
    return this.dispatchJoin(other, a, b, c, true, false);
  }

  /** Windowed join where records of either side without a partner come out with null for the other. */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  outerJoin<VO, VR>(
    other: KStream<K, VO>,
    joiner: ValueJoinerWithKey<K, V | null, VO | null, VR>,
    windows: JoinWindows,
    streamJoined?: StreamJoined<K, V, VO>,
  ): KStream<K, VR>;
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: (...args: never[]) => VR, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR> {
    return this.streamStreamJoin(other, joinerWithKey(joiner as never), windows, streamJoined, true, true);
  }

  private dispatchJoin(other: unknown, a: unknown, b: unknown, c: unknown, left: boolean, outer: boolean): KStream<K, unknown> {
    if (other instanceof KStream) {
      if (typeof a !== "function") throw new IllegalArgumentException("joiner can't be null");
      if (b === undefined || b === null) throw new IllegalArgumentException("windows can't be null");
      return this.streamStreamJoin(other, joinerWithKey(a as never), b as JoinWindows, c as StreamJoined<K, V, unknown> | undefined, left, outer);
    }
    if (other instanceof KTable) {
      if (typeof a !== "function") throw new IllegalArgumentException("joiner can't be null");
      return this.streamTableJoin(other, joinerWithKey(a as never), (b as Joined<K, V, unknown> | undefined) ?? Joined.with(), left);
    }
    if (other instanceof GlobalKTable) {
      if (typeof a !== "function" || typeof b !== "function") throw new IllegalArgumentException("keySelector and joiner can't be null");
      return this.globalTableJoin(other, a as KeyValueMapper<K, V, unknown>, joinerWithKey(b as never), c as Named | undefined, left);
    }
    throw new IllegalArgumentException("join() needs a KStream (with JoinWindows), a KTable or a GlobalKTable");
  }

  /** Repartitions before a join when the key changed (topic `<name>-repartition`). */
  private repartitionForJoin(prefix: string, keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined): KStream<K, V> {
    const names = repartitionNames(this.builder, prefix);
    if (this.repartitionNodeForJoin && this.repartitionNodeForJoin.name === prefix) return this.repartitionNodeForJoin.stream;
    const ks = keySerde ?? this.keySerde;
    const vs = valueSerde ?? this.valueSerde;
    const node = streamRepartitionNode(names, { keySerde: ks as Serde<unknown> | undefined, valueSerde: vs as Serde<unknown> | undefined });
    this.builder.addGraphNode(this.graphNode, node);
    const stream = new KStream<K, V>(names.sourceName, ks, vs, new Set([names.sourceName]), false, node, this.builder);
    this.repartitionNodeForJoin = { name: prefix, stream };
    return stream;
  }

  private streamStreamJoin<VO, VR>(
    otherStream: KStream<K, VO>,
    joiner: (key: K, v1: V | null, v2: VO | null) => VR,
    windows: JoinWindows,
    streamJoined: StreamJoined<K, V, VO> | undefined,
    leftOuter: boolean,
    rightOuter: boolean,
  ): KStream<K, VR> {
    const sj = streamJoined ?? StreamJoined.with<K, V, VO>();
    const thisStream: KStream<K, V> = this.repartitionRequired
      ? this.repartitionForJoin(sj.name === undefined ? this.name : `${sj.name}-left`, sj.keySerde, sj.valueSerde)
      : this;
    let other: KStream<K, VO> = otherStream;
    if (other.repartitionRequired) {
      other = other.repartitionForJoin(sj.name === undefined ? other.name : `${sj.name}-right`, sj.keySerde, sj.otherValueSerde);
    }
    thisStream.ensureCopartitionWith([other as KStream<unknown, unknown>]);
    const b = this.builder;
    const named = sj.name;
    const thisSuffix = rightOuter ? "-outer-this-join" : "-this-join";
    const otherSuffix = leftOuter ? "-outer-other-join" : "-other-join";
    const thisWindowedName = suffixWithOrElseGet(b, named, "-this-windowed", WINDOWED_NAME);
    const otherWindowedName = suffixWithOrElseGet(b, named, "-other-windowed", WINDOWED_NAME);
    const joinThisGenerated = b.newProcessorName(rightOuter ? OUTERTHIS_NAME : JOINTHIS_NAME);
    const joinOtherGenerated = b.newProcessorName(leftOuter ? OUTEROTHER_NAME : JOINOTHER_NAME);
    const joinThisName = named === undefined ? joinThisGenerated : named + thisSuffix;
    const joinOtherName = named === undefined ? joinOtherGenerated : named + otherSuffix;
    const mergeName = suffixWithOrElseGet(b, named, "-merge", MERGE_NAME);
    const thisStoreName = `${sj.storeName === undefined ? joinThisGenerated : sj.storeName + thisSuffix}-store`;
    const otherStoreName = `${sj.storeName === undefined ? joinOtherGenerated : sj.storeName + otherSuffix}-store`;
    const outerSuffix = rightOuter ? "-outer-shared-join" : "-left-shared-join";
    const outerStoreName = leftOuter
      ? `${sj.storeName !== undefined ? sj.storeName + outerSuffix : OUTERSHARED_NAME + joinThisGenerated.slice((rightOuter ? OUTERTHIS_NAME : JOINTHIS_NAME).length)}-store`
      : undefined;
    const retention = windows.size() + windows.gracePeriodMs();
    const keySerde = sj.keySerde as Serde<unknown> | undefined;
    const windowStore = (name: string, valueSerde: Serde<unknown> | undefined) => {
      const sb = Stores.windowStoreBuilder(Stores.inMemoryWindowStore(name, retention, windows.size(), true), keySerde, valueSerde);
      if (sj.loggingEnabled) sb.withLoggingEnabled({ "cleanup.policy": "delete" });
      else sb.withLoggingDisabled();
      return sb;
    };
    const thisWindowed = graphNode(thisWindowedName, (t, parents) => t.addProcessorNode(thisWindowedName, joinWindowSupplier(thisStoreName) as never, parents));
    b.addGraphNode(thisStream.graphNode, thisWindowed);
    const otherWindowed = graphNode(otherWindowedName, (t, parents) => t.addProcessorNode(otherWindowedName, joinWindowSupplier(otherStoreName) as never, parents));
    b.addGraphNode(other.graphNode, otherWindowed);
    const trackers = new TimeTrackerSupplier();
    const joinThis = streamStreamJoinSupplier<K, V, VO, VR>({
      leftSide: true,
      otherWindowStoreName: otherStoreName,
      windows,
      joiner: (k, v, vo) => joiner(k, v, vo),
      outer: leftOuter,
      outerJoinStoreName: outerStoreName,
      trackers,
    });
    const joinOther = streamStreamJoinSupplier<K, VO, V, VR>({
      leftSide: false,
      otherWindowStoreName: thisStoreName,
      windows,
      joiner: (k, vo, v) => joiner(k, v, vo),
      outer: rightOuter,
      outerJoinStoreName: outerStoreName,
      trackers,
    });
    const thisWindowedNodeName = thisWindowedName;
    const otherWindowedNodeName = otherWindowedName;
    const joinNode = graphNode(
      mergeName,
      (t) => {
        t.addProcessorNode(joinThisName, joinThis as never, [thisWindowedNodeName]);
        t.addProcessorNode(joinOtherName, joinOther as never, [otherWindowedNodeName]);
        t.addProcessorNode(mergeName, passThroughSupplier() as never, [joinThisName, joinOtherName]);
        t.addStateStore(windowStore(thisStoreName, sj.valueSerde as Serde<unknown> | undefined), thisWindowedNodeName, joinOtherName);
        t.addStateStore(windowStore(otherStoreName, sj.otherValueSerde as Serde<unknown> | undefined), otherWindowedNodeName, joinThisName);
        if (windows.spuriousResultFixEnabled && outerStoreName !== undefined) {
          t.addStateStore(outerJoinStoreBuilder(outerStoreName, sj, retention), joinThisName, joinOtherName);
        }
      },
      leftOuter || rightOuter ? { relaxedNullKeyJoin: true } : {},
    );
    b.addGraphNode([thisStream.graphNode, other.graphNode], joinNode);
    const sources = new Set([...thisStream.subTopologySourceNodes, ...other.subTopologySourceNodes]);
    return new KStream<K, VR>(mergeName, sj.keySerde, undefined, sources, false, joinNode, b);
  }

  private streamTableJoin<VO, VR>(table: KTable<K, VO>, joiner: (key: K, v: V, vo: VO | null) => VR, joined: Joined<K, V, VO>, leftJoin: boolean): KStream<K, VR> {
    if (this.repartitionRequired) {
      const repartitioned = this.repartitionForJoin(joined.name ?? this.name, joined.keySerde, joined.valueSerde);
      return repartitioned.doStreamTableJoin(table, joiner, joined, leftJoin);
    }
    return this.doStreamTableJoin(table, joiner, joined, leftJoin);
  }

  private doStreamTableJoin<VO, VR>(table: KTable<K, VO>, joiner: (key: K, v: V, vo: VO | null) => VR, joined: Joined<K, V, VO>, leftJoin: boolean): KStream<K, VR> {
    const sources = this.ensureCopartitionWith([table as KTable<unknown, unknown>]);
    const name = orElseGenerate(this.builder, joined.name, leftJoin ? LEFTJOIN_NAME : JOIN_NAME);
    const getter = table.valueGetterSupplier();
    const supplier = streamTableJoinSupplier<K, V, K, VO, VR>({ getter, keyMapper: (k) => k, joiner, leftJoin });
    const storeNames = table.valueGetterSupplier().storeNames();
    const node = graphNode(
      name,
      (t, parents) => {
        t.addProcessorNode(name, supplier as never, parents);
        if (storeNames.length > 0) t.connectProcessorAndStateStores(name, ...storeNames);
      },
      leftJoin ? { relaxedNullKeyJoin: true } : {},
    );
    this.builder.addGraphNode(this.graphNode, node);
    return new KStream<K, VR>(name, joined.keySerde ?? this.keySerde, undefined, sources, false, node, this.builder);
  }

  private globalTableJoin<KG, VG, VR>(
    table: GlobalKTable<KG, VG>,
    keySelector: KeyValueMapper<K, V, KG>,
    joiner: (key: K, v: V, vg: VG | null) => VR,
    named: Named | undefined,
    leftJoin: boolean,
  ): KStream<K, VR> {
    // Kafka names inner and left global-table joins alike.
    const name = orElseGenerate(this.builder, named, LEFTJOIN_NAME);
    const supplier = streamTableJoinSupplier<K, V, KG, VG, VR>({ getter: table.valueGetterSupplier(), keyMapper: keySelector, joiner, leftJoin });
    const node = graphNode(name, (t, parents) => t.addProcessorNode(name, supplier as never, parents), leftJoin ? { relaxedNullKeyJoin: true } : {});
    this.builder.addGraphNode(this.graphNode, node);
    return new KStream<K, VR>(name, this.keySerde, undefined, this.subTopologySourceNodes, this.repartitionRequired, node, this.builder);
  }

  /**
   * Runs a Processor API processor on each record (it may forward any key and value);
   * `stateStoreNames` connects stores added with `StreamsBuilder.addStateStore`.
   */
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...stateStoreNames: string[]): KStream<KOut, VOut>;
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, named: Named, ...stateStoreNames: string[]): KStream<KOut, VOut>;
  process<KOut, VOut>(supplier: ProcessorSupplier<K, V, KOut, VOut>, ...rest: Array<string | Named>): KStream<KOut, VOut> {
    const named = rest[0] instanceof Named ? rest[0] : undefined;
    const stores = rest.filter((r): r is string => typeof r === "string");
    const name = orElseGenerate(this.builder, named, PROCESSOR_NAME);
    this.processNode(name, supplier as ProcessorSupplier<never, never, never, never>, stores);
    const node = this.lastProcessNode!;
    return new KStream<KOut, VOut>(name, undefined, undefined, this.subTopologySourceNodes, true, node, this.builder);
  }

  /** Like process(), but the processor may only change values: the key of each output is the input's. */
  processValues<VOut>(supplier: ProcessorSupplier<K, V, K, VOut>, ...rest: Array<string | Named>): KStream<K, VOut> {
    const named = rest[0] instanceof Named ? rest[0] : undefined;
    const stores = rest.filter((r): r is string => typeof r === "string");
    const name = orElseGenerate(this.builder, named, PROCESSVALUES_NAME);
    const fixedKey = fixedKeySupplier(supplier) as ProcessorSupplier<never, never, never, never>;
    this.processNode(name, fixedKey, stores);
    return new KStream<K, VOut>(name, this.keySerde, undefined, this.subTopologySourceNodes, this.repartitionRequired, this.lastProcessNode!, this.builder);
  }

  private lastProcessNode: GraphNode | undefined;

  private processNode(name: string, supplier: ProcessorSupplier<never, never, never, never>, stateStoreNames: string[]): void {
    const node = graphNode(name, (t, parents) => {
      t.addProcessor(name, supplier, ...parents);
      for (const s of stateStoreNames) {
        if (!t.hasStore(s)) throw new TopologyException(`StateStore ${s} is not added yet.`);
        t.connectProcessorAndStateStores(name, s);
      }
    });
    this.builder.addGraphNode(this.graphNode, node);
    this.lastProcessNode = node;
  }
}

class OuterJoinStoreBuilder extends AbstractStoreBuilder<OuterJoinStore<unknown, unknown, unknown>> {
  constructor(
    name: string,
    private readonly keySerde: Serde<unknown>,
    private readonly leftSerde: Serde<unknown>,
    private readonly rightSerde: Serde<unknown>,
  ) {
    super(name, "list");
  }

  build(): OuterJoinStore<unknown, unknown, unknown> {
    return new OuterJoinStore(this.name, this.keySerde, this.leftSerde, this.rightSerde);
  }
}

function outerJoinStoreBuilder(name: string, sj: StreamJoined<unknown, unknown, unknown>, _retention: number): OuterJoinStoreBuilder {
  const b = new OuterJoinStoreBuilder(name, sj.keySerde ?? DEFAULT_SERDE, sj.valueSerde ?? DEFAULT_SERDE, sj.otherValueSerde ?? DEFAULT_SERDE);
  if (sj.loggingEnabled) b.withLoggingEnabled();
  else b.withLoggingDisabled();
  return b;
}
