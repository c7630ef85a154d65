/**
 * The client API's low-level events, as plain data for the workbench: what each consumer
 * sees of its group (joins, rebalances with its partitions before and after, revocations,
 * commits, its lag) and what its run loop does. `consumer.onEvent(listener)` gets one
 * consumer's, `new Kafka({ listener })` every client's. The coordinator's view of the whole
 * group (every member, evictions by session timeout) is the broker's `group` event.
 *
 * Partitions are named `topic-partition`, sorted.
 */

/** One assigned partition's offsets as the consumer knows them. */
export interface PartitionLagView {
  /** The next offset the consumer will read. */
  readonly position: number;
  /** The group's committed offset, null when nothing was committed yet. */
  readonly committed: number | null;
  /** Where the consumer can read up to: the HW, or the LSO for read_committed. */
  readonly endOffset: number;
  /** endOffset − committed, as kafka-consumer-groups.sh shows it (null without a commit). */
  readonly lag: number | null;
  /** endOffset − position: what the consumer has not fetched yet (the client's records-lag). */
  readonly positionLag: number;
}

interface ConsumerBase {
  /** Engine clock time (ms). */
  readonly at: number;
  readonly clientId: string;
  readonly groupId: string;
  /** "" before the coordinator handed out a member id. */
  readonly memberId: string;
}

export type ConsumerEvent =
  | (ConsumerBase & {
      /** The member is (re)joining: it left its generation or learned that the group rebalances. */
      readonly type: "rebalance-started";
      readonly generationId: number;
      readonly assignment: readonly string[];
    })
  | (ConsumerBase & {
      /** Join and sync are done: the member is in a generation with this assignment. */
      readonly type: "rebalance-completed";
      readonly generationId: number;
      readonly leaderId: string;
      readonly isLeader: boolean;
      readonly protocol: string | null;
      readonly assignmentBefore: readonly string[];
      readonly assignmentAfter: readonly string[];
    })
  | (ConsumerBase & { readonly type: "partitions-assigned" | "partitions-revoked" | "partitions-lost"; readonly partitions: readonly string[] })
  | (ConsumerBase & { readonly type: "left" })
  | (ConsumerBase & {
      readonly type: "offsets-committed";
      readonly generationId: number;
      /** `topic-partition` -> committed offset (the next record to read). */
      readonly offsets: Readonly<Record<string, number>>;
    })
  | (ConsumerBase & { readonly type: "lag"; readonly partitions: Readonly<Record<string, PartitionLagView>>; readonly totalLag: number })
  | (ConsumerBase & {
      readonly type: "crashed";
      readonly error: { readonly type: string | null; readonly message: string };
      /** True when the consumer retries (handler errors); false when it stopped for good. */
      readonly restart: boolean;
    })
  | (ConsumerBase & { readonly type: "stopped" });

export type ClientEvent = { readonly client: "consumer" } & ConsumerEvent;
