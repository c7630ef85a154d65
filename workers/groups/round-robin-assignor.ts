import type { GroupAssignment, MemberSubscription, PartitionAssignor } from "./assignor";
import { checkUniqueMembers, compareMembers, subscribedPartitionCounts } from "./assignor";
import type { TopicPartition } from "./topic-partition";

/**
 * Kafka's RoundRobinAssignor: all subscribed partitions sorted by (topic, partition) are dealt
 * one by one to the members in member order, circularly; a member not subscribed to the
 * partition's topic is skipped (and the deal continues from the member after the one served).
 */
export class RoundRobinAssignor implements PartitionAssignor {
  readonly name = "roundrobin";
  readonly supportedProtocols = ["EAGER"] as const;
  readonly cooperative = false;

  assign(members: readonly MemberSubscription[], partitionsPerTopic: Readonly<Record<string, number>>): GroupAssignment {
    checkUniqueMembers(members, this.name);
    const result: Record<string, TopicPartition[]> = {};
    for (const m of members) result[m.memberId] = [];
    const ring = [...members].sort(compareMembers);
    let next = 0;
    for (const [topic, count] of subscribedPartitionCounts(members, partitionsPerTopic)) {
      for (let partition = 0; partition < count; partition++) {
        // Some member subscribes to every topic listed, so this loop always ends.
        while (!ring[next]!.topics.includes(topic)) next = (next + 1) % ring.length;
        result[ring[next]!.memberId]!.push({ topic, partition });
        next = (next + 1) % ring.length;
      }
    }
    return result;
  }
}
