import type { GroupAssignment, MemberSubscription, PartitionAssignor } from "./assignor";
import { checkUniqueMembers, compareMembers, subscribedPartitionCounts } from "./assignor";
import type { TopicPartition } from "./topic-partition";
import { sortTps } from "./topic-partition";

/**
 * Kafka's RangeAssignor (without rack awareness): each topic on its own, its partitions in
 * numeric order split into contiguous ranges over its subscribers in member order. The first
 * `partitions % subscribers` members get one extra partition of every topic, which is the
 * well-known range imbalance and also what lines up co-partitioned topics for joins.
 */
export class RangeAssignor implements PartitionAssignor {
  readonly name = "range";
  readonly supportedProtocols = ["EAGER"] as const;
  readonly cooperative = false;

  assign(members: readonly MemberSubscription[], partitionsPerTopic: Readonly<Record<string, number>>): GroupAssignment {
    checkUniqueMembers(members, this.name);
    const result: Record<string, TopicPartition[]> = {};
    for (const m of members) result[m.memberId] = [];

    for (const [topic, count] of subscribedPartitionCounts(members, partitionsPerTopic)) {
      const consumers = members.filter((m) => m.topics.includes(topic)).sort(compareMembers);
      if (consumers.length === 0) continue;
      const perConsumer = Math.floor(count / consumers.length);
      const withExtra = count % consumers.length;
      consumers.forEach((consumer, i) => {
        const start = perConsumer * i + Math.min(i, withExtra);
        const length = perConsumer + (i < withExtra ? 1 : 0);
        const list = result[consumer.memberId]!;
        for (let p = start; p < start + length; p++) list.push({ topic, partition: p });
      });
    }
    for (const id of Object.keys(result)) result[id] = sortTps(result[id]!);
    return result;
  }
}
