import type { MemberSubscription } from "./assignor";
import type { TopicPartition } from "./topic-partition";
import { compareStrings, sameTp, tpKey } from "./topic-partition";

/** Kafka's DEFAULT_GENERATION: a member that cannot tell which generation its partitions are from. */
export const NO_GENERATION = -1;

/** What the sticky assignors make of the members' claims to their previous partitions. */
export interface OwnershipClaims {
  /** True when every member subscribes to exactly the same set of topics. */
  readonly allSubscriptionsEqual: boolean;
  /** Each member (in member id order) with its still-valid claimed partitions of existing topics. */
  readonly owned: Map<string, TopicPartition[]>;
  /** Partitions claimed by two members of the same generation: nobody keeps them. */
  readonly multiplyOwned: Set<string>;
  /** Highest generation any member reported ({@link NO_GENERATION} when none did). */
  readonly maxGeneration: number;
}

/**
 * AbstractStickyAssignor.allSubscriptionsEqual: checks whether subscriptions match and settles
 * conflicting claims. A claim of a member with a newer generation beats an older one; two
 * claims from the same generation cancel each other (that can only come from a bug or a
 * zombie, and handing the partition out fresh is the safe answer). Members are visited in
 * member id order where Kafka walks a hash map.
 */
export function collectClaims(members: readonly MemberSubscription[], existingTopics: ReadonlySet<string>): OwnershipClaims {
  const sorted = [...members].sort((a, b) => compareStrings(a.memberId, b.memberId));
  const owned = new Map<string, TopicPartition[]>();
  const multiplyOwned = new Set<string>();
  const ownerOf = new Map<string, MemberSubscription>();
  let subscribed: Set<string> | undefined;
  let allSubscriptionsEqual = true;
  let maxGeneration = NO_GENERATION;

  for (const member of sorted) {
    const topics = new Set(member.topics);
    if (subscribed === undefined || subscribed.size === 0) {
      subscribed = topics;
    } else if (allSubscriptionsEqual && !(topics.size === subscribed.size && [...topics].every((t) => subscribed!.has(t)))) {
      allSubscriptionsEqual = false;
    }

    const generation = member.generation ?? NO_GENERATION;
    maxGeneration = Math.max(maxGeneration, generation);
    const mine: TopicPartition[] = [];
    owned.set(member.memberId, mine);

    for (const p of member.ownedPartitions ?? []) {
      if (!existingTopics.has(p.topic)) continue;
      const key = tpKey(p);
      const other = ownerOf.get(key);
      if (other === undefined) {
        mine.push(p);
        ownerOf.set(key, member);
        continue;
      }
      const otherGeneration = other.generation ?? NO_GENERATION;
      if (generation === otherGeneration) {
        multiplyOwned.add(key);
        removeTp(owned.get(other.memberId)!, p);
        ownerOf.set(key, member);
      } else if (generation > otherGeneration) {
        mine.push(p);
        removeTp(owned.get(other.memberId)!, p);
        ownerOf.set(key, member);
      }
      // Otherwise the other member's newer claim stands.
    }
  }
  return { allSubscriptionsEqual, owned, multiplyOwned, maxGeneration };
}

function removeTp(list: TopicPartition[], p: TopicPartition): void {
  const i = list.findIndex((q) => sameTp(q, p));
  if (i >= 0) list.splice(i, 1);
}
