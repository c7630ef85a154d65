import { TopologyException } from "./errors";
import type { Topology } from "./topology";

/** Partition count of an external (non-internal) topic, as the broker reports it. */
export type PartitionCountLookup = (topic: string) => number | undefined;

function treeMapString(counts: Map<string, number>): string {
  return `{${[...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([t, n]) => `${t}=${n}`)
    .join(", ")}}`;
}

/**
 * Partition counts for every topic a topology reads, internal repartition topics
 * included (named as written, without the application-id prefix). A repartition topic
 * gets its `Repartitioned.numberOfPartitions`, else the largest partition count among the
 * inputs of the sub-topology that writes it; then co-partitioned groups are enforced as
 * Kafka's CopartitionedTopicsEnforcer does: external topics of a join must have equal
 * counts (else "Topics not co-partitioned"), repartition topics in the group follow them.
 */
export function resolvePartitionCounts(topology: Topology, partitionCount: PartitionCountLookup): Map<string, number> {
  const internal = new Map(topology.internalTopics().map((t) => [t.name, t]));
  const counts = new Map<string, number>();
  const external = (topic: string): number => {
    const n = partitionCount(topic);
    if (n === undefined) throw new TopologyException(`Topic not found: ${topic}`);
    return n;
  };
  const subs = topology.subtopologies();
  const resolving = new Set<string>();
  const countOf = (topic: string): number => {
    const known = counts.get(topic);
    if (known !== undefined) return known;
    const def = internal.get(topic);
    if (!def) {
      const n = external(topic);
      counts.set(topic, n);
      return n;
    }
    if (def.numberOfPartitions !== undefined) {
      counts.set(topic, def.numberOfPartitions);
      return def.numberOfPartitions;
    }
    if (resolving.has(topic)) throw new TopologyException(`Cannot resolve the partition count of ${topic}: its inputs loop back to it`);
    resolving.add(topic);
    let max = 0;
    for (const s of subs) {
      if (!s.sinkTopics.includes(topic)) continue;
      for (const t of s.sourceTopics) max = Math.max(max, countOf(t));
    }
    resolving.delete(topic);
    if (max <= 0) throw new TopologyException(`Number of partitions is not set for topic: ${topic}`);
    counts.set(topic, max);
    return max;
  };
  for (const s of subs) for (const t of s.sourceTopics) countOf(t);
  for (const g of topology.globalStores()) countOf(g.topic);

  for (const group of topology.copartitionGroups()) {
    const repartition = group.filter((t) => internal.has(t));
    const externalTopics = group.filter((t) => !internal.has(t));
    let target: number;
    if (externalTopics.length === 0) {
      const enforced = repartition.filter((t) => internal.get(t)!.numberOfPartitions !== undefined);
      if (enforced.length > 0) {
        target = internal.get(enforced[0]!)!.numberOfPartitions!;
        for (const t of enforced) {
          if (internal.get(t)!.numberOfPartitions !== target) {
            throw new TopologyException(
              `Following topics do not have the same number of partitions: [${treeMapString(new Map(repartition.map((r) => [r, countOf(r)])))}]`,
            );
          }
        }
      } else {
        target = Math.max(...repartition.map((t) => countOf(t)));
      }
    } else {
      const byTopic = new Map(externalTopics.map((t) => [t, countOf(t)]));
      target = byTopic.values().next().value!;
      for (const n of byTopic.values()) {
        if (n !== target) throw new TopologyException(`Topics not co-partitioned: [${treeMapString(byTopic)}]`);
      }
    }
    for (const t of repartition) {
      const def = internal.get(t)!;
      if (def.numberOfPartitions === undefined) counts.set(t, target);
      else if (def.numberOfPartitions !== target) {
        throw new TopologyException(`Number of partitions [${def.numberOfPartitions}] of repartition topic [${t}] doesn't match number of partitions [${target}] of the source topic.`);
      }
    }
  }
  return counts;
}

/** Tasks per sub-topology: the largest partition count among its input topics. */
export function taskCounts(topology: Topology, counts: ReadonlyMap<string, number>): Map<number, number> {
  return new Map(topology.subtopologies().map((s) => [s.id, Math.max(0, ...s.sourceTopics.map((t) => counts.get(t) ?? 0))]));
}
