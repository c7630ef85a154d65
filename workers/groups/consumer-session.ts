import type { RecordHeader } from "../log/record-batch";
import { mapVisibleRecords, type AbortedTransaction } from "../client/visible-records";
import { autoOffsetResetDurationMs, type ConsumerConfig } from "../protocol/client-config";
import { isKafkaError, KafkaError } from "../protocol/errors";
import type { Scheduler } from "../runtime/scheduler";
import type { GroupCoordinator } from "./group-coordinator";
import { GroupMember, type RebalanceListener } from "./member-driver";
import type { TopicPartition } from "./topic-partition";
import { tpKey } from "./topic-partition";

export type ConsumerIsolation = "read_uncommitted" | "read_committed";
export type ListOffsetSpec = "earliest" | "latest" | { timestamp: number };

/** What a consumer needs of the broker: Fetch and ListOffsets (the Broker class fits). */
export interface ConsumerLog {
  fetch(
    topic: string,
    partition: number,
    offset: number,
    maxBytes: number,
    isolation: ConsumerIsolation,
  ): Promise<{ bytes: Uint8Array; nextOffset: number; abortedTransactions: AbortedTransaction[] }>;
  /** earliest = log start; latest = HW (LSO for read_committed); by time: offset -1 when no record is that late. */
  listOffset(topic: string, partition: number, spec: ListOffsetSpec, isolation: ConsumerIsolation): Promise<{ offset: number; timestamp: number }>;
  /** Resolves once every offset commit accepted so far can be fetched (the Broker's offsetCommitsSettled). */
  offsetCommitsSettled?(): Promise<void>;
}

/** A record as poll() hands it to the application. */
export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: RecordHeader[];
}

export type SeekTarget = number | "earliest" | "latest" | { timestamp: number };

/**
 * What is left of a partition's last fetch after a poll took `max.poll.records` of it (the
 * Java fetcher's completed fetch): the next poll starts here instead of reading and
 * decoding the same bytes again. Valid while the position is still `position`.
 */
interface FetchedRemainder {
  readonly records: ConsumerRecord[];
  /** Index of the next record to hand out. */
  index: number;
  /** The position this remainder continues from (after the last record handed out). */
  position: number;
  /** The fetch's next offset: where reading goes on once the records are taken. */
  readonly nextOffset: number;
}

export interface ConsumerSessionOptions {
  readonly coordinator: GroupCoordinator;
  readonly scheduler: Scheduler;
  readonly log: ConsumerLog;
  readonly groupId: string;
  /** client.id: the member's name; the coordinator's member id starts with it. */
  readonly clientId: string;
  readonly topics: readonly string[];
  /** A resolved consumer config (`resolveConsumerConfig`). */
  readonly config: ConsumerConfig;
  readonly partitionsFor: (topic: string) => number | undefined;
  /** The application's ConsumerRebalanceListener: revocations reach it while positions are still known. */
  readonly listener?: RebalanceListener;
  /** Auto commits fail quietly in the Java consumer (a logged warning); this hears about them. */
  readonly onAutoCommitError?: (error: unknown) => void;
  /** KafkaConsumer.pause(): a paused partition is neither fetched nor handed its buffered records. */
  readonly paused?: (partition: TopicPartition) => boolean;
}

/**
 * One consumer of a group, as the Java KafkaConsumer keeps it: a {@link GroupMember} for the
 * group protocol, plus what lives only in the client —
 *
 * - a position per assigned partition: the committed offset when the partition is assigned,
 *   else where `auto.offset.reset` says (earliest = log start, latest = HW or LSO, none = the
 *   next poll fails with NO_OFFSET_FOR_PARTITION, by_duration = the first record that recent);
 *   a position found out of range on fetch is reset the same way;
 * - fetching in the Java fetcher's order: a partition is drained before the next one is read,
 *   and a partition that returned data moves to the end of the order, so successive polls
 *   take turns across partitions; at most max.poll.records per poll; transaction markers and,
 *   under read_committed, aborted records are never returned;
 * - enable.auto.commit: every auto.commit.interval.ms (engine clock), a poll first commits the
 *   positions reached by earlier polls; the positions are also committed before a rebalance
 *   makes the member rejoin and before it leaves, so the next owner resumes there.
 *
 * Positions are resolved as soon as partitions are assigned, as a consumer that keeps polling
 * does within the poll that completes the rebalance: a consumer with `latest` does not see
 * records produced after it joined but before it next polled. Everything asynchronous resolves
 * within the caller's await; {@link idle} waits for commits started from inside the protocol.
 */
export class ConsumerSession {
  readonly member: GroupMember;
  readonly groupId: string;
  readonly clientId: string;
  private readonly config: ConsumerConfig;
  private readonly positionsByTp = new Map<string, number>();
  /** Assigned partitions waiting for a position. */
  private readonly unpositioned = new Map<string, TopicPartition>();
  /** Assigned partitions with no committed offset under auto.offset.reset=none. */
  private readonly noOffset = new Set<string>();
  /** Per partition, the records of its last fetch that no poll has taken yet. */
  private readonly remainders = new Map<string, FetchedRemainder>();
  /** Fetch order: drained partitions that returned data go to the end. */
  private order: TopicPartition[] = [];
  private nextAutoCommit: number;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly options: ConsumerSessionOptions) {
    this.groupId = options.groupId;
    this.clientId = options.clientId;
    this.config = options.config;
    if (this.config["group.protocol"] !== "classic") {
      throw new KafkaError(
        "INVALID_CONFIG",
        `group.protocol=${this.config["group.protocol"]}: this coordinator speaks the classic group protocol only; leave group.protocol at classic`,
      );
    }
    const user = options.listener;
    this.member = new GroupMember({
      coordinator: options.coordinator,
      scheduler: options.scheduler,
      groupId: options.groupId,
      clientId: options.clientId,
      topics: options.topics,
      partitionsFor: options.partitionsFor,
      config: {
        "group.instance.id": this.config["group.instance.id"],
        "session.timeout.ms": this.config["session.timeout.ms"],
        "heartbeat.interval.ms": this.config["heartbeat.interval.ms"],
        "max.poll.interval.ms": this.config["max.poll.interval.ms"],
        "partition.assignment.strategy": this.config["partition.assignment.strategy"],
      },
      onJoinPrepare: () => this.autoCommitBeforeRebalance(),
      listener: {
        onPartitionsAssigned: (partitions) => {
          for (const p of partitions) {
            this.unpositioned.set(tpKey(p), p);
            if (!this.order.some((o) => tpKey(o) === tpKey(p))) this.order.push(p);
          }
          user?.onPartitionsAssigned?.(partitions);
        },
        onPartitionsRevoked: (partitions) => {
          user?.onPartitionsRevoked?.(partitions);
          this.forget(partitions);
        },
        onPartitionsLost: (partitions) => {
          user?.onPartitionsLost?.(partitions);
          this.forget(partitions);
        },
      },
    });
    this.nextAutoCommit = options.scheduler.clock.now() + this.config["auto.commit.interval.ms"];
  }

  // =====================================================================================
  // What callers read

  /** The partitions this consumer owns now, sorted. */
  get assignment(): TopicPartition[] {
    return this.member.assignment;
  }

  get live(): boolean {
    return this.member.live;
  }

  get isolation(): ConsumerIsolation {
    return this.config["isolation.level"];
  }

  /** position(tp) for every assigned partition that has one, by "topic-partition". */
  positions(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.assignment) {
      const position = this.positionsByTp.get(tpKey(p));
      if (position !== undefined) out[tpKey(p)] = position;
    }
    return out;
  }

  // =====================================================================================
  // Actions

  /** subscribe() and the join that the first poll() would make. */
  start(): void {
    this.member.start();
  }

  /**
   * KafkaConsumer.poll(): auto commit if due, positions for new partitions, then at most
   * `max` records (default max.poll.records).
   */
  async poll(max: number = this.config["max.poll.records"]): Promise<ConsumerRecord[]> {
    this.requireLive("poll");
    this.member.poll();
    await this.maybeAutoCommit();
    await this.resolvePositions();
    const missing = this.assignment.filter((p) => this.noOffset.has(tpKey(p))).map(tpKey);
    if (missing.length > 0) {
      throw new KafkaError(
        "NO_OFFSET_FOR_PARTITION",
        `undefined offset with no reset policy for partition${missing.length === 1 ? "" : "s"} ${missing.join(", ")}: ` +
          `group ${this.groupId} has no committed offset there and auto.offset.reset is none`,
      );
    }
    const out: ConsumerRecord[] = [];
    for (const p of [...this.order]) {
      if (out.length >= max) break;
      if (!this.order.includes(p)) continue;
      const { records, drained } = await this.take(p, max - out.length);
      out.push(...records);
      if (!drained) break;
      if (records.length > 0) this.order = [...this.order.filter((o) => o !== p), p];
    }
    return out;
  }

  /**
   * commitSync(): the current positions, or the offsets given ("topic-partition" → offset).
   * Resolves to what was committed.
   *
   * Explicit offsets past the partition's log end are refused with OFFSET_OUT_OF_RANGE. That
   * check is streamlab's own: Kafka's broker and Java client accept any offset, and a consumer
   * resuming from it would then be reset by auto.offset.reset, which hides the mistake.
   */
  async commitSync(offsets?: Readonly<Record<string, number>>): Promise<Record<string, number>> {
    this.requireLive("commit");
    const toCommit = offsets === undefined ? this.positions() : { ...offsets };
    if (offsets !== undefined) await this.checkCommitOffsets(toCommit);
    if (this.member.state !== "STABLE") {
      if (this.member.state === "UNJOINED") {
        throw new KafkaError("COMMIT_FAILED", `commit of ${this.clientId} in group ${this.groupId} cannot be completed: the consumer is not part of an active group`);
      }
      throw new KafkaError(
        "REBALANCE_IN_PROGRESS",
        `commit of ${this.clientId} in group ${this.groupId} cannot be completed: the consumer is undergoing a rebalance; poll to complete it, then commit again`,
      );
    }
    if (Object.keys(toCommit).length === 0) return toCommit;
    await this.member.commitSync(Object.fromEntries(Object.entries(toCommit).map(([k, offset]) => [k, { offset }])));
    return toCommit;
  }

  /**
   * seek / seekToBeginning / seekToEnd / offsetsForTimes+seek on an assigned partition. A
   * timestamp past the last record moves to the end. Resolves to the new position.
   */
  async seek(partition: TopicPartition, target: SeekTarget): Promise<number> {
    this.requireLive("seek");
    const key = tpKey(partition);
    if (!this.assignment.some((p) => tpKey(p) === key)) {
      const owned = this.assignment.map(tpKey);
      throw new KafkaError(
        "ILLEGAL_STATE",
        `seek of ${this.clientId} in group ${this.groupId}: no current assignment for partition ${key} (assigned: ${owned.length === 0 ? "none" : owned.join(", ")})`,
      );
    }
    let position: number;
    if (typeof target === "number") {
      if (!Number.isSafeInteger(target) || target < 0) throw new KafkaError("INVALID_REQUEST", `seek offset for ${key} must be an integer ≥ 0, got ${target}`);
      position = target;
    } else {
      const found = await this.options.log.listOffset(partition.topic, partition.partition, target, this.isolation);
      position = found.offset >= 0 ? found.offset : (await this.options.log.listOffset(partition.topic, partition.partition, "latest", this.isolation)).offset;
    }
    this.setPosition(partition, position);
    return position;
  }

  /** KafkaConsumer.close(): commit positions if auto commit is on, then leave the group. */
  async close(): Promise<void> {
    if (!this.member.live) return;
    if (this.config["enable.auto.commit"] && this.member.state === "STABLE") {
      const positions = this.positions();
      if (Object.keys(positions).length > 0) await this.track(this.commitQuietly(positions));
    }
    this.member.close();
    await this.idle();
  }

  /** The process dies: no commit, no LeaveGroup, no more heartbeats. */
  crash(): void {
    this.member.crash();
  }

  /** Gives every newly assigned partition its position (committed offset, else auto.offset.reset). */
  async resolvePositions(): Promise<void> {
    await this.idle();
    await this.options.log.offsetCommitsSettled?.();
    if (this.unpositioned.size === 0) return;
    const pending = [...this.unpositioned.values()];
    const committed = this.options.coordinator.fetchOffsets(this.groupId, pending.map(tpKey));
    for (const p of pending) {
      const key = tpKey(p);
      if (!this.unpositioned.has(key)) continue;
      const c = committed[key];
      if (c !== undefined && c.offset >= 0) this.setPosition(p, c.offset);
      else await this.reset(p);
    }
  }

  /** Resolves once commits started from inside the group protocol have completed. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  // =====================================================================================
  // Internals

  private requireLive(action: string): void {
    if (!this.member.live) {
      throw new KafkaError("ILLEGAL_STATE", `${action} of ${this.clientId} in group ${this.groupId}: the consumer is no longer running`);
    }
  }

  private setPosition(p: TopicPartition, offset: number): void {
    const key = tpKey(p);
    this.positionsByTp.set(key, offset);
    this.remainders.delete(key);
    this.unpositioned.delete(key);
    this.noOffset.delete(key);
  }

  private forget(partitions: readonly TopicPartition[]): void {
    const keys = new Set(partitions.map(tpKey));
    for (const key of keys) {
      this.positionsByTp.delete(key);
      this.remainders.delete(key);
      this.unpositioned.delete(key);
      this.noOffset.delete(key);
    }
    this.order = this.order.filter((p) => !keys.has(tpKey(p)));
  }

  /** auto.offset.reset for one partition: earliest, latest, by_duration, or none (marked for the next poll to fail). */
  private async reset(p: TopicPartition): Promise<void> {
    const policy = this.config["auto.offset.reset"];
    if (policy === "none") {
      this.unpositioned.delete(tpKey(p));
      this.noOffset.add(tpKey(p));
      return;
    }
    const durationMs = autoOffsetResetDurationMs(policy);
    if (durationMs !== undefined) {
      const since = this.options.scheduler.clock.now() - durationMs;
      const found = await this.options.log.listOffset(p.topic, p.partition, { timestamp: since }, this.isolation);
      if (found.offset >= 0) {
        this.setPosition(p, found.offset);
        return;
      }
    }
    const spec = policy === "earliest" ? "earliest" : "latest";
    this.setPosition(p, (await this.options.log.listOffset(p.topic, p.partition, spec, this.isolation)).offset);
  }

  /**
   * Records of one partition from its position, at most `max`. `drained` when every visible
   * record there was taken (the position then sits past trailing markers and aborted records).
   */
  private async take(p: TopicPartition, max: number): Promise<{ records: ConsumerRecord[]; drained: boolean }> {
    const key = tpKey(p);
    const records: ConsumerRecord[] = [];
    let resets = 0;
    let position = this.positionsByTp.get(key);
    if (position === undefined || this.options.paused?.(p)) return { records, drained: true };
    const left = this.remainders.get(key);
    if (left !== undefined) {
      this.remainders.delete(key);
      if (left.position === position) {
        if (this.handOut(p, left, records, max)) return { records, drained: false };
        position = left.nextOffset;
      }
    }
    for (;;) {
      let data;
      try {
        data = await this.options.log.fetch(p.topic, p.partition, position, this.config["max.partition.fetch.bytes"], this.isolation);
      } catch (e) {
        if (!isKafkaError(e, "OFFSET_OUT_OF_RANGE") || records.length > 0 || resets > 0) throw e;
        if (this.config["auto.offset.reset"] === "none") {
          throw new KafkaError(
            "OFFSET_OUT_OF_RANGE",
            `fetch position ${position} is out of range for partition ${key} and auto.offset.reset is none (${e.message})`,
          );
        }
        resets++;
        await this.reset(p);
        position = this.positionsByTp.get(key)!;
        continue;
      }
      if (data.bytes.length === 0) break;
      const aborted = this.isolation === "read_committed" ? data.abortedTransactions : undefined;
      const { topic, partition } = p;
      const decoded = mapVisibleRecords(data.bytes, position, aborted, (r): ConsumerRecord => ({
        topic,
        partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key,
        value: r.value,
        headers: r.headers,
      }));
      const fetched: FetchedRemainder = { records: decoded, index: 0, position, nextOffset: data.nextOffset };
      if (this.handOut(p, fetched, records, max)) return { records, drained: false };
      position = data.nextOffset;
    }
    this.positionsByTp.set(key, position);
    return { records, drained: true };
  }

  /**
   * Move records of `from` into `into` up to `max`. True when `max` was reached with
   * records left over: they are kept for the next poll and the position stops after the
   * last record handed out.
   */
  private handOut(p: TopicPartition, from: FetchedRemainder, into: ConsumerRecord[], max: number): boolean {
    const { records } = from;
    let i = from.index;
    for (; i < records.length && into.length < max; i++) into.push(records[i]!);
    if (i === records.length) return false;
    const key = tpKey(p);
    // As before a remainder existed: the position is the offset after the last record handed out.
    const next = into.at(-1)!.offset + 1;
    from.index = i;
    from.position = next;
    this.remainders.set(key, from);
    this.positionsByTp.set(key, next);
    return true;
  }

  private async checkCommitOffsets(offsets: Record<string, number>): Promise<void> {
    for (const [key, offset] of Object.entries(offsets)) {
      const dash = key.lastIndexOf("-");
      const topic = key.slice(0, dash);
      const partition = Number(key.slice(dash + 1));
      if (dash <= 0 || !Number.isInteger(partition) || partition < 0) {
        throw new KafkaError("INVALID_REQUEST", `commit of ${this.clientId} in group ${this.groupId}: "${key}" is not a topic-partition`);
      }
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw new KafkaError("INVALID_REQUEST", `commit of ${this.clientId} in group ${this.groupId}: offset for ${key} must be an integer ≥ 0, got ${offset}`);
      }
      const end = (await this.options.log.listOffset(topic, partition, "latest", "read_uncommitted")).offset;
      if (offset > end) {
        throw new KafkaError(
          "OFFSET_OUT_OF_RANGE",
          `commit of group ${this.groupId}: offset ${offset} for partition ${key} is beyond its log end offset ${end}; ` +
            `a committed offset is the next record to read, so at most ${end}`,
        );
      }
    }
  }

  private async maybeAutoCommit(): Promise<void> {
    if (!this.config["enable.auto.commit"]) return;
    const now = this.options.scheduler.clock.now();
    if (now < this.nextAutoCommit) return;
    this.nextAutoCommit = now + this.config["auto.commit.interval.ms"];
    if (this.member.state !== "STABLE") return;
    const positions = this.positions();
    if (Object.keys(positions).length > 0) await this.track(this.commitQuietly(positions));
  }

  /** ConsumerCoordinator.onJoinPrepare: commit what was consumed while still in the generation. */
  private autoCommitBeforeRebalance(): void {
    if (!this.config["enable.auto.commit"] || this.member.state !== "STABLE" || this.member.generationId < 0) return;
    const positions = this.positions();
    if (Object.keys(positions).length === 0) return;
    void this.track(this.commitQuietly(positions));
  }

  private async commitQuietly(positions: Record<string, number>): Promise<void> {
    try {
      await this.member.commitSync(Object.fromEntries(Object.entries(positions).map(([k, offset]) => [k, { offset }])));
    } catch (e) {
      this.options.onAutoCommitError?.(e);
    }
  }

  private track(work: Promise<void>): Promise<void> {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
    return work;
  }
}
