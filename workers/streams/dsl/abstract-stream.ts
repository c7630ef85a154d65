import type { Serde } from "../serdes";
import type { GraphNode, InternalStreamsBuilder } from "./internal-builder";

/** What KStream, KTable and the grouped streams share: their node, serdes and source nodes. */
export abstract class AbstractStream<K, V> {
  /** @internal */
  constructor(
    /** @internal The topology node downstream operators attach to. */
    readonly name: string,
    /** @internal */
    readonly keySerde: Serde<K> | undefined,
    /** @internal */
    readonly valueSerde: Serde<V> | undefined,
    /** @internal Source nodes feeding this stream in its sub-topology (for co-partitioning). */
    readonly subTopologySourceNodes: ReadonlySet<string>,
    /** @internal */
    readonly graphNode: GraphNode,
    /** @internal */
    readonly builder: InternalStreamsBuilder,
  ) {}

  /** @internal Joins need co-partitioned inputs: records the sources whose partition counts must match. */
  ensureCopartitionWith(others: ReadonlyArray<AbstractStream<unknown, unknown>>): Set<string> {
    const all = new Set(this.subTopologySourceNodes);
    for (const o of others) for (const s of o.subTopologySourceNodes) all.add(s);
    this.builder.copartition(all);
    return all;
  }
}
