import { Consumed } from "./consumed";
import { IllegalArgumentException } from "./errors";
import { Materialized } from "./materialized";
import type { Serde } from "./serdes";
import type { StoreBuilder } from "./state/state-store";
import { graphNode, InternalStreamsBuilder } from "./dsl/internal-builder";
import { keyValueStoreFor, materializedInternal } from "./dsl/materialize";
import { GlobalKTable } from "./global-ktable";
import { KStream, orElseGenerate, suffixWithOrElseGet } from "./kstream";
import { KTable } from "./ktable";
import { KTableSourceSupplier } from "./processor/processors/ktable";
import { storeGetter } from "./processor/processors/ktable-supplier";
import type { ProcessorSupplier } from "./processor/processor-context";
import type { Topology } from "./topology";

const SOURCE_NAME = "KSTREAM-SOURCE-";
const KTABLE_SOURCE_NAME = "KTABLE-SOURCE-";

/**
 * The entry point of the DSL (Kafka's `StreamsBuilder`): declare sources, chain
 * operators, then `build()` the Topology. Node and store names follow Kafka's generated
 * names (`KSTREAM-SOURCE-0000000000`, …) so `describe()` prints what Kafka prints.
 */
export class StreamsBuilder {
  private readonly internal = new InternalStreamsBuilder();

  /** A record stream from one or more topics. */
  stream<K = unknown, V = unknown>(topics: string | string[], consumed?: Consumed<K, V>): KStream<K, V> {
    const list = typeof topics === "string" ? [topics] : [...topics];
    if (list.length === 0) throw new IllegalArgumentException("topics can't be empty");
    const c = consumed ?? Consumed.with<K, V>();
    const name = orElseGenerate(this.internal, c.processorName, SOURCE_NAME);
    const node = graphNode(
      name,
      (t) =>
        t.addSourceNode({
          name,
          topics: list,
          keySerde: c.keySerde as Serde<unknown> | undefined,
          valueSerde: c.valueSerde as Serde<unknown> | undefined,
          timestampExtractor: c.timestampExtractor,
          offsetReset: c.offsetResetPolicy,
          changeValues: false,
          global: false,
        }),
      { sourceTopics: list },
    );
    this.internal.addGraphNode(this.internal.root, node);
    return new KStream<K, V>(name, c.keySerde, c.valueSerde, new Set([name]), false, node, this.internal);
  }

  /** A changelog topic read as a table: each record upserts its key, a null value deletes it. */
  table<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V> | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const c = consumed instanceof Consumed ? consumed : Consumed.with<K, V>();
    const m = consumed instanceof Materialized ? consumed : materialized;
    const mi = materializedInternal((m ?? Materialized.with(c.keySerde, c.valueSerde)) as Materialized<unknown, unknown>, this.internal, `${topic}-`);
    const sourceName = suffixWithOrElseGet(this.internal, c.processorName, "-source", SOURCE_NAME);
    const tableSourceName = orElseGenerate(this.internal, c.processorName, KTABLE_SOURCE_NAME);
    const supplier = new KTableSourceSupplier<K, V>(mi.storeName!, mi.queryable ? mi.storeName : undefined);
    const keySerde = (mi.keySerde as Serde<K> | undefined) ?? c.keySerde;
    const valueSerde = (mi.valueSerde as Serde<V> | undefined) ?? c.valueSerde;
    const node = graphNode(
      tableSourceName,
      (t) => {
        t.addSourceNode({
          name: sourceName,
          topics: [topic],
          keySerde: c.keySerde as Serde<unknown> | undefined,
          valueSerde: c.valueSerde as Serde<unknown> | undefined,
          timestampExtractor: c.timestampExtractor,
          offsetReset: c.offsetResetPolicy,
          changeValues: false,
          global: false,
        });
        t.addProcessorNode(tableSourceName, supplier as never, [sourceName]);
        if (supplier.materialized()) t.addStateStore(keyValueStoreFor(mi, keySerde as Serde<unknown>, valueSerde as Serde<unknown>), tableSourceName);
      },
      { sourceTopics: undefined },
    );
    this.internal.addGraphNode(this.internal.root, node);
    return new KTable<K, V>(tableSourceName, keySerde, valueSerde, new Set([sourceName]), mi.queryable ? mi.storeName : undefined, supplier, node, this.internal);
  }

  /** A table every instance holds in full; joins against it need no co-partitioning. */
  globalTable<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V> | Materialized<K, V>, materialized?: Materialized<K, V>): GlobalKTable<K, V> {
    const c = consumed instanceof Consumed ? consumed : Consumed.with<K, V>();
    const m = consumed instanceof Materialized ? consumed : materialized;
    const mi = materializedInternal((m ?? Materialized.with(c.keySerde, c.valueSerde)) as Materialized<unknown, unknown>, this.internal, `${topic}-`);
    // Global stores are never logged: the source topic is their changelog.
    mi.loggingEnabled = false;
    const sourceName = suffixWithOrElseGet(this.internal, c.processorName, "-source", SOURCE_NAME);
    const processorName = orElseGenerate(this.internal, c.processorName, KTABLE_SOURCE_NAME);
    const storeName = mi.storeName!;
    const supplier = new KTableSourceSupplier<K, V>(storeName, storeName);
    const node = graphNode(processorName, (t) =>
      t.addGlobalStore(
        keyValueStoreFor(mi, c.keySerde as Serde<unknown> | undefined, c.valueSerde as Serde<unknown> | undefined),
        sourceName,
        topic,
        processorName,
        supplier as never,
        {
          keySerde: c.keySerde as Serde<unknown> | undefined,
          valueSerde: c.valueSerde as Serde<unknown> | undefined,
          timestampExtractor: c.timestampExtractor,
        },
      ),
    );
    this.internal.addGraphNode(this.internal.root, node);
    return new GlobalKTable<K, V>(storeGetter<K, V>(storeName), storeName);
  }

  /** A store for Processor API operators; connect it by name in `process(…, "store")`. */
  addStateStore(builder: StoreBuilder): this {
    this.internal.addStateStore(builder);
    return this;
  }

  /** A global store filled by your own processor from `topic`. */
  addGlobalStore<K, V>(builder: StoreBuilder, topic: string, consumed: Consumed<K, V>, stateUpdateSupplier: ProcessorSupplier<K, V, never, never>): this {
    const sourceName = suffixWithOrElseGet(this.internal, consumed.processorName, "-source", SOURCE_NAME);
    const processorName = orElseGenerate(this.internal, consumed.processorName, KTABLE_SOURCE_NAME);
    const node = graphNode(processorName, (t) =>
      t.addGlobalStore(builder, sourceName, topic, processorName, stateUpdateSupplier as ProcessorSupplier<never, never, never, never>, {
        keySerde: consumed.keySerde as Serde<unknown> | undefined,
        valueSerde: consumed.valueSerde as Serde<unknown> | undefined,
        timestampExtractor: consumed.timestampExtractor,
      }),
    );
    this.internal.addGraphNode(this.internal.root, node);
    return this;
  }

  build(): Topology {
    return this.internal.build();
  }
}
