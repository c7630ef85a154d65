import { KafkaError } from "../protocol/errors";
import type { CoordinatorContext } from "./coordinator-context";
import type { OffsetCommitRequest } from "./group-protocol";
import type { CommittedOffset, OffsetStore } from "./offset-store";
import { parseTpKey } from "./topic-partition";

/**
 * OffsetCommit and OffsetFetch: the coordinator checks a commit against the group (member,
 * generation, state) and hands it to the {@link OffsetStore}, which keeps what was committed.
 */
export class OffsetCommits {
  constructor(
    private readonly ctx: CoordinatorContext,
    private readonly store: OffsetStore,
  ) {}

  /**
   * Validates a commit against the group (member, generation, state) and hands it to the offset
   * store. Throws KafkaError: UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION for a member that is not
   * in the current generation (the Java client turns both into CommitFailedException),
   * REBALANCE_IN_PROGRESS while the leader assigns, FENCED_INSTANCE_ID, GROUP_ID_NOT_FOUND for a
   * generation >= 0 on a group the coordinator does not know. A commit with generation -1 and no
   * member id, from outside group management, is accepted while the group has no members.
   */
  commitOffsets(request: OffsetCommitRequest): void | Promise<void> {
    const ctx = this.ctx;
    const generationId = ctx.run(() => {
      if (request.groupId === "") throw new KafkaError("INVALID_GROUP_ID", "offset-commit: the group id is empty");
      let group = ctx.groups.get(request.groupId);
      if (!group) {
        if (request.generationId >= 0) {
          throw new KafkaError("GROUP_ID_NOT_FOUND", `offset-commit: group ${request.groupId} does not exist`);
        }
        group = ctx.createGroup(request.groupId);
      }
      group.validateOffsetCommit(request.memberId, request.groupInstanceId, request.generationId);
      for (const [key, value] of Object.entries(request.offsets)) {
        parseTpKey(key);
        if (!Number.isSafeInteger(value.offset)) {
          throw new KafkaError("INVALID_REQUEST", `offset-commit: offset for ${key} must be an integer, got ${value.offset}`);
        }
      }
      return request.generationId;
    });
    const committed = () =>
      ctx.emit({
        type: "offsets-committed",
        at: ctx.now(),
        groupId: request.groupId,
        memberId: request.memberId,
        generationId,
        offsets: Object.fromEntries(Object.entries(request.offsets).map(([k, v]) => [k, v.offset])),
      });
    const result = this.store.commit(request.groupId, generationId, request.memberId, request.offsets);
    if (result instanceof Promise) return result.then(committed);
    committed();
  }

  /** Committed offsets of a group (OffsetFetch). GROUP_ID_NOT_FOUND for a group being removed. */
  fetchOffsets(groupId: string, partitions?: readonly string[]): Record<string, CommittedOffset> {
    if (this.ctx.groups.get(groupId)?.is("Dead")) throw new KafkaError("GROUP_ID_NOT_FOUND", `group ${groupId} is being removed`);
    return this.store.fetch(groupId, partitions);
  }
}
