/**
 * The scenario's consumers: one {@link ConsumerSession} per `join`, named by the scenario's
 * member id (which is also its client.id), driven so that every verb leaves its group at rest:
 * a rebalance a join, leave or eviction starts completes within the same step, as SCENARIO.md
 * requires (members answer at once; only a crashed member can hold a group up, until its
 * session times out during an `advance`).
 */
import type { Broker } from "../broker/broker";
import { ConsumerSession, type SeekTarget } from "../groups/consumer-session";
import { assignorName } from "../groups/assignors";
import { settle, type MemberState } from "../groups/member-driver";
import { parseTpKey, tpKey } from "../groups/topic-partition";
import { resolveConsumerConfig } from "../protocol/client-config";
import type { RawConfig } from "../protocol/config-def";
import { KafkaError } from "../protocol/errors";
import type { Scheduler } from "../runtime/scheduler";
import type { CommitRequest, GroupSummary, JoinRequest, MemberRequest, PollRequest, SeekRequest, StoredRecord } from "./engine-port";

interface Entry {
  session: ConsumerSession;
  crashed: boolean;
}

const STRATEGY = "partition.assignment.strategy";

/** One consumer as its own client sees itself (the coordinator's view is {@link EngineConsumers.describeGroups}). */
export interface ConsumerView {
  groupId: string;
  /** The scenario's name (client.id). */
  memberId: string;
  /** The id the coordinator handed out, `<client.id>-<uuid>`; empty before the first join completes. */
  coordinatorMemberId: string;
  crashed: boolean;
  generation: number;
  state: MemberState;
  assignment: string[];
  /** Next offset poll returns, per assigned partition that has one. */
  positions: Record<string, number>;
}

export class EngineConsumers {
  private readonly groups = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly broker: () => Broker,
    private readonly scheduler: Scheduler,
  ) {}

  async join(req: JoinRequest): Promise<void> {
    if (req.groupId === "") throw new KafkaError("INVALID_GROUP_ID", "join: the group id is empty");
    if (req.memberId === "") throw new KafkaError("INVALID_REQUEST", `join of group "${req.groupId}": the member id is empty`);
    const existing = this.groups.get(req.groupId)?.get(req.memberId);
    if (existing && !existing.crashed) {
      throw new KafkaError("INVALID_REQUEST", `member "${req.memberId}" is already in group "${req.groupId}"; leave it first or use another member id`);
    }
    if (req.topics.length === 0) throw new KafkaError("INVALID_REQUEST", `join of "${req.memberId}" to group "${req.groupId}": subscribe to at least one topic`);
    const config = resolveConsumerConfig(this.consumerConfig(req));
    const broker = this.broker();
    for (const topic of req.topics) {
      if (broker.hasTopic(topic)) continue;
      // A subscription to a missing topic makes the metadata request create it, when both sides allow it.
      if (!config["allow.auto.create.topics"]) {
        throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `join of "${req.memberId}": topic "${topic}" does not exist and the consumer has allow.auto.create.topics=false`);
      }
      if (!broker.config.autoCreateTopicsEnable) {
        throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `join of "${req.memberId}": topic "${topic}" does not exist and the broker has auto.create.topics.enable=false`);
      }
      await broker.createTopic({ name: topic });
    }
    const session = new ConsumerSession({
      coordinator: broker.groups,
      scheduler: this.scheduler,
      log: broker,
      groupId: req.groupId,
      clientId: req.memberId,
      topics: req.topics,
      config,
      partitionsFor: (topic) => {
        const b = this.broker();
        return b.hasTopic(topic) ? b.partitionCount(topic) : undefined;
      },
    });
    let members = this.groups.get(req.groupId);
    if (!members) this.groups.set(req.groupId, (members = new Map()));
    members.set(req.memberId, { session, crashed: false });
    session.start();
    await this.settleAll();
    const failure = session.member.error;
    if (failure) {
      // The coordinator turned the member away for good: it never became part of the group.
      members.delete(req.memberId);
      throw new KafkaError(failure.type, this.joinFailure(req, failure.type, config) ?? failure.message);
    }
  }

  private joinFailure(req: JoinRequest, error: string, config: ReturnType<typeof resolveConsumerConfig>): string | undefined {
    const who = `join of "${req.memberId}" to group "${req.groupId}"`;
    switch (error) {
      case "INCONSISTENT_GROUP_PROTOCOL": {
        const running = this.broker().groups.describeGroup(req.groupId).protocol;
        return `${who}: it offers ${config[STRATEGY].join(", ")}, but the group's members use ${running ?? "another protocol"}; every member must support one common assignor`;
      }
      case "INVALID_SESSION_TIMEOUT":
        return `${who}: session.timeout.ms=${config["session.timeout.ms"]} is outside the broker's group.min.session.timeout.ms (6000) and group.max.session.timeout.ms (1800000)`;
      case "FENCED_INSTANCE_ID":
        return `${who}: group.instance.id "${String(config["group.instance.id"])}" is already used by another member`;
      default:
        return undefined;
    }
  }

  /** The member's config: the scenario's, with the ids and the assignor the step gives. */
  private consumerConfig(req: JoinRequest): RawConfig {
    const given = req.config ?? {};
    for (const [key, field, value] of [
      ["group.id", "groupId", req.groupId],
      ["client.id", "memberId", req.memberId],
    ] as const) {
      if (given[key] !== undefined && given[key] !== value) {
        throw new KafkaError("INVALID_CONFIG", `${key} "${String(given[key])}" differs from the ${field} "${value}"; leave it out`);
      }
    }
    const raw: Record<string, RawConfig[string]> = { ...given, "group.id": req.groupId, "client.id": req.memberId };
    if (req.assignor !== undefined) {
      if (given[STRATEGY] !== undefined) throw new KafkaError("INVALID_CONFIG", `the assignor is given twice: "${req.assignor}" and ${STRATEGY}="${String(given[STRATEGY])}"`);
      raw[STRATEGY] = assignorName(req.assignor);
    }
    return raw;
  }

  /** A clean close: commit if auto commit is on, LeaveGroup, and the group rebalances at once. */
  async leave(req: MemberRequest): Promise<void> {
    const entry = this.liveEntry(req, "leave");
    await entry.session.close();
    this.groups.get(req.groupId)?.delete(req.memberId);
    await this.settleAll();
  }

  /** The consumer stops heartbeating; the coordinator notices after session.timeout.ms. */
  async crash(req: MemberRequest): Promise<void> {
    const entry = this.liveEntry(req, "crash");
    entry.session.crash();
    entry.crashed = true;
  }

  async poll(req: PollRequest): Promise<StoredRecord[]> {
    const { session } = this.liveEntry(req, "poll");
    const records = await session.poll(req.max);
    await this.settleAll();
    return records;
  }

  async commit(req: CommitRequest): Promise<Record<string, number>> {
    const { session } = this.liveEntry(req, "commit");
    if (req.offsets !== undefined) {
      for (const key of Object.keys(req.offsets)) this.checkPartition(key, "commit");
    }
    return session.commitSync(req.offsets);
  }

  async seek(req: SeekRequest): Promise<number> {
    const { session } = this.liveEntry(req, "seek");
    const partition = this.checkPartition(req.partition, "seek");
    const target: SeekTarget = req.offset;
    return session.seek(partition, target);
  }

  /** One summary per group the broker knows, sorted by group id, as `--groups` prints them. */
  describeGroups(): GroupSummary[] {
    const broker = this.broker();
    return broker.listGroups().map((listing) => {
      const description = broker.groups.describeGroup(listing.groupId);
      const state = description.state === "Dead" ? listing.state : description.state;
      const sessions = [...(this.groups.get(listing.groupId)?.values() ?? [])].map((e) => e.session);
      const current = new Set(sessions.filter((s) => s.live).map((s) => s.member.memberId));
      const assignments: Record<string, string[]> = {};
      const names = description.members.map((m) => m.clientId);
      for (const m of description.members) {
        // A name is shown once; a stale member under a reused name shows its full member id, as Kafka's tools do.
        const unique = names.filter((n) => n === m.clientId).length === 1 || current.has(m.memberId);
        const name = unique ? m.clientId : m.memberId;
        // DescribeGroups hands out assignments only for a Stable group (summaryNoMetadata otherwise).
        Object.defineProperty(assignments, name, {
          value: state === "Stable" ? m.assignment.map(tpKey) : [],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      const committed: Record<string, number> = {};
      for (const [key, value] of Object.entries(broker.groups.fetchOffsets(listing.groupId))) committed[key] = value.offset;
      const readCommitted = sessions.some((s) => s.live && s.isolation === "read_committed");
      const lag: Record<string, number> = {};
      for (const [key, value] of Object.entries(broker.groupLag(listing.groupId, readCommitted ? "read_committed" : "read_uncommitted").partitions)) {
        lag[key] = value.lag;
      }
      return { group: listing.groupId, state, generation: Math.max(0, description.generationId), assignments, committed, lag };
    });
  }

  /** The consumers of one group, or of all, sorted by group then member. */
  describeConsumers(groupId?: string): ConsumerView[] {
    const out: ConsumerView[] = [];
    for (const [g, members] of [...this.groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (groupId !== undefined && g !== groupId) continue;
      for (const [name, { session, crashed }] of [...members].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        out.push({
          groupId: g,
          memberId: name,
          coordinatorMemberId: session.member.memberId,
          crashed,
          generation: session.member.generationId,
          state: session.member.state,
          assignment: session.assignment.map(tpKey),
          positions: session.positions(),
        });
      }
    }
    return out;
  }

  /**
   * Brings every group to rest: leaders notice topic changes, rebalances run to the end,
   * commits made on the way land, and newly assigned partitions get their positions.
   */
  async settleAll(): Promise<void> {
    const broker = this.broker();
    for (const [groupId, members] of this.groups) {
      const sessions = [...members.values()].map((e) => e.session);
      for (const s of sessions) s.member.checkMetadata();
      settle(broker.groups, groupId, sessions.map((s) => s.member));
    }
    for (const members of this.groups.values()) {
      for (const { session } of members.values()) await session.idle();
    }
    for (const members of this.groups.values()) {
      for (const { session } of members.values()) if (session.live) await session.resolvePositions();
    }
  }

  /**
   * The whole engine stops: its consumers die with it (no commit, no LeaveGroup). The new
   * broker starts with no members; committed offsets come back from `__consumer_offsets`.
   */
  stopAll(): void {
    for (const members of this.groups.values()) for (const { session } of members.values()) session.crash();
    this.groups.clear();
  }

  private liveEntry(req: MemberRequest, verb: string): Entry {
    const members = this.groups.get(req.groupId);
    const known = members !== undefined || this.broker().listGroups().some((g) => g.groupId === req.groupId);
    if (!known) throw new KafkaError("GROUP_ID_NOT_FOUND", `${verb}: group "${req.groupId}" does not exist (join it first)`);
    const entry = members?.get(req.memberId);
    if (!entry) {
      const names = [...(members?.entries() ?? [])].filter(([, e]) => !e.crashed).map(([name]) => name).sort();
      throw new KafkaError(
        "UNKNOWN_MEMBER_ID",
        `${verb}: member "${req.memberId}" is not in group "${req.groupId}" (${names.length === 0 ? "it has no running members" : `members: ${names.join(", ")}`})`,
      );
    }
    if (entry.crashed) {
      throw new KafkaError("UNKNOWN_MEMBER_ID", `${verb}: member "${req.memberId}" of group "${req.groupId}" has crashed; join again to start a new consumer`);
    }
    return entry;
  }

  private checkPartition(name: string, verb: string) {
    let partition;
    try {
      partition = parseTpKey(name);
    } catch {
      throw new KafkaError("INVALID_REQUEST", `${verb}: "${name}" is not a partition (expected "topic-partition", e.g. "orders-0")`);
    }
    this.broker().partition(partition.topic, partition.partition);
    return partition;
  }
}
