import type { ConsumerSession } from "../groups/consumer-session";
import { tpKey } from "../groups/topic-partition";
import type { OffsetsByTopicPartition } from "./consumer-api";
import { offsetsByTopic } from "./offsets-by-topic";
import type { RunSettings } from "./run-settings";

export interface OffsetCommitPolicyDeps {
  session(): ConsumerSession | undefined;
  settings(): RunSettings;
  now(): number;
  /** A commit went through (KafkaJS's COMMIT_OFFSETS and the low-level event). */
  committed(offsets: Record<string, number>, generationId: number, memberId: string): void;
}

/**
 * KafkaJS's offset bookkeeping. Offsets are *resolved* as handlers finish with messages (the
 * offset after the last one, per partition); with autoCommit the resolved offsets that differ
 * from what the group committed go out after every batch, and inside a batch once
 * autoCommitInterval has passed since the last commit or autoCommitThreshold offsets were
 * resolved since. What the group has committed is tracked as far as this consumer knows it:
 * its own commits and the committed offsets it read for newly assigned partitions.
 */
export class OffsetCommitPolicy {
  /** Offset after the last message the handlers finished with, per partition. */
  private readonly resolvedOffsets = new Map<string, number>();
  /** What the group has committed, as far as this consumer knows. */
  private readonly committedOffsets = new Map<string, number>();
  private resolvedSinceCommit = 0;
  private lastCommitAt = 0;

  constructor(private readonly deps: OffsetCommitPolicyDeps) {}

  /** run() starts the interval afresh. */
  restartInterval(): void {
    this.lastCommitAt = this.deps.now();
  }

  /** A handler finished with the message before `next`. */
  resolve(key: string, next: number): void {
    this.resolvedOffsets.set(key, next);
    this.resolvedSinceCommit++;
  }

  /** The partition goes on from `offset` (a seek, or past records filtering dropped); not counted toward the threshold. */
  place(key: string, offset: number): void {
    this.resolvedOffsets.set(key, offset);
  }

  resolved(key: string): number | undefined {
    return this.resolvedOffsets.get(key);
  }

  /** The partition left this consumer: what it resolved there is no longer its to commit. */
  forget(key: string): void {
    this.resolvedOffsets.delete(key);
  }

  committed(key: string): number | undefined {
    return this.committedOffsets.get(key);
  }

  /** What the group has committed for `key`, as read from the coordinator (undefined: nothing). */
  noteCommitted(key: string, offset: number | undefined): void {
    if (offset === undefined) this.committedOffsets.delete(key);
    else this.committedOffsets.set(key, offset);
  }

  async commitIfNecessary(): Promise<void> {
    const { autoCommitInterval, autoCommitThreshold } = this.deps.settings();
    const due =
      (autoCommitInterval !== null && this.deps.now() >= this.lastCommitAt + autoCommitInterval) ||
      (autoCommitThreshold !== null && this.resolvedSinceCommit >= autoCommitThreshold);
    if (due) await this.commitResolved().catch(() => undefined);
  }

  /**
   * Commit the resolved offsets that differ from what is committed (of `keys`, or of every
   * owned partition). The request goes out before this returns its promise, so a caller in
   * the middle of a rebalance (revocation) commits in the generation it is leaving.
   */
  commitResolved(keys?: readonly string[]): Promise<void> {
    const session = this.deps.session();
    // COMPLETING_REBALANCE: a cooperative member gives up partitions right after its SyncGroup,
    // already in the new generation, which the coordinator accepts commits from.
    const state = session?.member.state;
    if (!session || !session.live || session.member.generationId < 0 || (state !== "STABLE" && state !== "COMPLETING_REBALANCE")) return Promise.resolve();
    const owned = new Set(session.assignment.map(tpKey));
    const offsets: Record<string, { offset: number }> = {};
    for (const key of keys ?? [...this.resolvedOffsets.keys()]) {
      const offset = this.resolvedOffsets.get(key);
      if (offset === undefined || !owned.has(key) || this.committedOffsets.get(key) === offset) continue;
      offsets[key] = { offset };
    }
    if (Object.keys(offsets).length === 0) return Promise.resolve();
    const generationId = session.member.generationId;
    const memberId = session.member.memberId;
    const result = session.member.commitSync(offsets);
    return Promise.resolve(result).then(() => {
      this.resolvedSinceCommit = 0;
      this.recordCommit(Object.fromEntries(Object.entries(offsets).map(([k, v]) => [k, v.offset])), generationId, memberId);
    });
  }

  /** A commit went through, resolved offsets or the application's own (commitOffsets). */
  recordCommit(offsets: Record<string, number>, generationId: number, memberId: string): void {
    if (Object.keys(offsets).length === 0) return;
    this.lastCommitAt = this.deps.now();
    for (const [key, offset] of Object.entries(offsets)) this.committedOffsets.set(key, offset);
    this.deps.committed(offsets, generationId, memberId);
  }

  uncommitted(): OffsetsByTopicPartition {
    const pending: Record<string, number> = {};
    for (const [key, offset] of this.resolvedOffsets) if (this.committedOffsets.get(key) !== offset) pending[key] = offset;
    return { topics: offsetsByTopic(pending) };
  }
}
