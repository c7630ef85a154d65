/**
 * The workbench's consumers: members of consumer groups that keep polling as engine time
 * moves, as real applications do, so that groups, lag and rebalances can be watched live.
 * They are the engine's own consumer sessions (the scenario verbs join, leave, crash, poll,
 * seek), driven once per clock tick by {@link WorkbenchConsumers.pollAll}, never from a
 * timer of their own: pausing the clock freezes them, and a run is reproducible.
 *
 * Each member has a processing rate (records per second of engine time): a slow member
 * falls behind and its lag grows, which is the point of showing lag. What members process
 * is kept in a short ring per group (for the console view) and passed through an
 * {@link OrderingDetector} per group (replays after rebalances, rewinds, keys changing
 * partition, event time going back).
 */
import { decodeJson } from "../client/json-serde";
import type { GroupEvent } from "../groups/group-events";
import { assignorName } from "../groups/assignors";
import { KafkaError } from "../protocol/errors";
import type { Engine } from "./engine";
import type { StoredRecord } from "./engine-port";
import { OrderingDetector, type OrderingSummary, type OrderingViolation } from "./ordering-detector";

export const ASSIGNORS = ["range", "roundrobin", "sticky", "cooperative-sticky"] as const;
export type AssignorChoice = (typeof ASSIGNORS)[number];

/** Session timeout of workbench members: short, so that a crash is noticed while people watch. */
export const WORKBENCH_SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_INTERVAL_MS = 3_000;
const AUTO_COMMIT_INTERVAL_MS = 1_000;
/** Records a member may take in one poll (max.poll.records). */
const MAX_POLL_RECORDS = 500;
/** A member never owes more than this many seconds of records: no burst after a pause. */
const MAX_OWED_SECONDS = 0.5;
const RECENT_PER_GROUP = 300;
const RATE_WINDOW_MS = 1000;
/** How long an evicted or removed member stays on screen, greyed. */
const GONE_VISIBLE_MS = 15_000;

export interface AddConsumerInput {
  groupId: string;
  /** Subscribed topics; defaults to the group's, and is required for a new group. */
  topics?: string[];
  /** Defaults to the group's assignor, or range for a new group. */
  assignor?: AssignorChoice;
  /** Defaults to `consumer-<n>`, the next free number in the group. */
  memberId?: string;
  /** Records per second of engine time this member can process; default 1000. */
  recordsPerSecond?: number;
  /** Where a group without committed offsets starts; default earliest. */
  autoOffsetReset?: "earliest" | "latest";
}

export type RewindTarget = "earliest" | "latest" | { timestamp: number };

export type MemberLife = "running" | "crashed" | "left" | "evicted";

export interface WorkbenchMember {
  memberId: string;
  /** A member the workbench did not start (a stream application's, a client's): shown, not controlled. */
  external: boolean;
  /** The coordinator's id for it (`<client.id>-<uuid>`); empty until joined. */
  coordinatorMemberId: string;
  life: MemberLife;
  /** Engine time of the crash, leave or eviction. */
  since: number | null;
  /** When a crashed member is evicted at the latest: crash time + session.timeout.ms. */
  evictBy: number | null;
  sessionTimeoutMs: number;
  recordsPerSecond: number;
  /** Records processed over the last second of engine time. */
  actualRate: number;
  processed: number;
  generation: number;
  /** The consumer's own protocol state (UNJOINED, PREPARING_REBALANCE, COMPLETING_REBALANCE, STABLE). */
  state: string;
  assignment: string[];
  positions: Record<string, number>;
}

export interface RecentRecord {
  /** Increasing per engine: fetch only what is newer than the last seen. */
  seq: number;
  memberId: string;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  /** Ordering problems this record showed. */
  violations: OrderingViolation["kind"][];
}

export interface WorkbenchGroupSettings {
  groupId: string;
  topics: string[];
  assignor: AssignorChoice;
  autoOffsetReset: "earliest" | "latest";
  members: Array<{ memberId: string; recordsPerSecond: number }>;
}

interface Member {
  memberId: string;
  life: MemberLife;
  since: number | null;
  recordsPerSecond: number;
  owed: number;
  processed: number;
  recentCounts: Array<{ at: number; count: number }>;
  coordinatorMemberId: string;
}

interface Group {
  groupId: string;
  topics: string[];
  assignor: AssignorChoice;
  autoOffsetReset: "earliest" | "latest";
  members: Map<string, Member>;
  nextNumber: number;
  detector: OrderingDetector;
  recent: Array<{ seq: number; memberId: string; record: StoredRecord; violations: OrderingViolation["kind"][] }>;
}

function printed(bytes: Uint8Array | null, max = 200): string | null {
  if (bytes === null) return null;
  const v = decodeJson(bytes);
  const text = typeof v === "string" ? v : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function checkRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 1 || rate > 100_000) {
    throw new KafkaError("INVALID_REQUEST", `a consumer's processing rate must be between 1 and 100000 records/s, got ${rate}`);
  }
  return rate;
}

export class WorkbenchConsumers {
  private readonly groups = new Map<string, Group>();
  private lastPoll: number | undefined;
  private seq = 0;
  /** Runs one action at a time: a poll never interleaves with a join or a leave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: Engine,
    /** Told whenever the set of members or a group's settings change (to persist the workspace). */
    private readonly onChange: () => void = () => {},
  ) {}

  get empty(): boolean {
    return this.groups.size === 0;
  }

  async add(input: AddConsumerInput): Promise<string> {
    return this.serially(async () => {
      if (typeof input?.groupId !== "string" || input.groupId === "") throw new KafkaError("INVALID_GROUP_ID", "add a consumer: the group id is empty");
      const existing = this.groups.get(input.groupId);
      const topics = input.topics ?? existing?.topics;
      if (!topics || topics.length === 0) throw new KafkaError("INVALID_REQUEST", `add a consumer to group "${input.groupId}": name the topics it subscribes to`);
      const assignor = input.assignor ?? existing?.assignor ?? "range";
      if (!ASSIGNORS.includes(assignor)) throw new KafkaError("INVALID_CONFIG", `unknown assignor "${String(assignor)}"; choose one of ${ASSIGNORS.join(", ")}`);
      const rate = checkRate(input.recordsPerSecond ?? 1000);
      const group: Group = existing ?? {
        groupId: input.groupId,
        topics: [...topics],
        assignor,
        autoOffsetReset: input.autoOffsetReset ?? "earliest",
        members: new Map(),
        nextNumber: 1,
        detector: new OrderingDetector(),
        recent: [],
      };
      let memberId = input.memberId;
      if (memberId === undefined) {
        while (group.members.has(`consumer-${group.nextNumber}`)) group.nextNumber++;
        memberId = `consumer-${group.nextNumber++}`;
      }
      const present = group.members.get(memberId);
      if (present && (present.life === "running" || present.life === "crashed")) {
        throw new KafkaError("INVALID_REQUEST", `group "${input.groupId}" already has a member "${memberId}"`);
      }
      await this.engine.join({
        groupId: group.groupId,
        memberId,
        topics: group.topics,
        config: this.memberConfig(group, [assignor]),
      });
      if (!existing) this.groups.set(group.groupId, group);
      group.members.set(memberId, {
        memberId,
        life: "running",
        since: null,
        recordsPerSecond: rate,
        owed: 0,
        processed: 0,
        recentCounts: [],
        coordinatorMemberId: "",
      });
      this.onChange();
      return memberId;
    });
  }

  /** A clean shutdown: commit, LeaveGroup, and the group rebalances at once. */
  async remove(groupId: string, memberId: string): Promise<void> {
    await this.serially(async () => {
      const m = this.running(groupId, memberId, "remove");
      await this.engine.leave({ groupId, memberId });
      m.life = "left";
      m.since = this.engine.now();
      this.onChange();
    });
  }

  /** The process dies: heartbeats stop, and the coordinator evicts it after session.timeout.ms. */
  async crash(groupId: string, memberId: string): Promise<void> {
    await this.serially(async () => {
      const m = this.running(groupId, memberId, "crash");
      m.coordinatorMemberId = this.coordinatorIdOf(groupId, memberId);
      await this.engine.crash({ groupId, memberId });
      m.life = "crashed";
      m.since = this.engine.now();
      this.onChange();
    });
  }

  setRate(groupId: string, memberId: string, recordsPerSecond: number): void {
    const m = this.running(groupId, memberId, "set the rate of");
    m.recordsPerSecond = checkRate(recordsPerSecond);
    this.onChange();
  }

  /**
   * Switch the group to another assignor the way a rolling restart does: each member in
   * turn leaves and rejoins offering the new assignor first and the old one second, so the
   * group always has one in common; once every member offers the new one, it is chosen.
   */
  async setAssignor(groupId: string, assignor: AssignorChoice): Promise<void> {
    await this.serially(async () => {
      const group = this.group(groupId);
      if (!ASSIGNORS.includes(assignor)) throw new KafkaError("INVALID_CONFIG", `unknown assignor "${String(assignor)}"; choose one of ${ASSIGNORS.join(", ")}`);
      if (group.assignor === assignor) return;
      const old = group.assignor;
      group.assignor = assignor;
      for (const m of group.members.values()) {
        if (m.life !== "running") continue;
        await this.engine.leave({ groupId, memberId: m.memberId });
        await this.engine.join({ groupId, memberId: m.memberId, topics: group.topics, config: this.memberConfig(group, [assignor, old]) });
      }
      this.onChange();
    });
  }

  /**
   * Every running member seeks all its partitions to the target, as an application that
   * rewinds itself does; auto commit then commits the new positions. Records read again
   * show up as replays in the ordering check.
   */
  async rewind(groupId: string, target: RewindTarget): Promise<Record<string, number>> {
    return this.serially(async () => {
      const group = this.group(groupId);
      const out: Record<string, number> = {};
      const running = [...group.members.values()].filter((m) => m.life === "running");
      if (running.length === 0) throw new KafkaError("ILLEGAL_STATE", `rewind of group "${groupId}": it has no running members to seek; add a consumer first`);
      for (const m of running) {
        for (const view of this.engine.describeConsumers(groupId)) {
          if (view.memberId !== m.memberId) continue;
          for (const partition of view.assignment) out[partition] = await this.engine.seek({ groupId, memberId: m.memberId, partition, offset: target });
        }
        m.owed = 0;
      }
      return out;
    });
  }

  /** Forget a group's members that are gone; the group itself stays while it has any. */
  private prune(now: number): void {
    for (const [groupId, group] of this.groups) {
      for (const [id, m] of group.members) {
        if ((m.life === "left" || m.life === "evicted") && m.since !== null && now - m.since > GONE_VISIBLE_MS) group.members.delete(id);
      }
      if (group.members.size === 0) this.groups.delete(groupId);
    }
  }

  /** The coordinator's events: an eviction ends a crashed member's countdown. */
  onGroupEvent(event: GroupEvent): void {
    if (event.type !== "member-evicted") return;
    const group = this.groups.get(event.groupId);
    if (!group) return;
    for (const m of group.members.values()) {
      if (m.life === "crashed" && (m.coordinatorMemberId === event.memberId || event.memberId.startsWith(`${m.memberId}-`))) {
        m.life = "evicted";
        m.since = event.at;
      }
    }
  }

  /** One tick: every running member polls what its rate allows since the last tick. */
  async pollAll(): Promise<void> {
    await this.serially(async () => {
      const now = this.engine.now();
      const elapsed = this.lastPoll === undefined ? 0 : Math.max(0, now - this.lastPoll);
      this.lastPoll = now;
      for (const group of this.groups.values()) {
        for (const m of group.members.values()) {
          if (m.life !== "running") continue;
          m.owed = Math.min(m.owed + (m.recordsPerSecond * elapsed) / 1000, Math.max(1, m.recordsPerSecond * MAX_OWED_SECONDS));
          const max = Math.min(MAX_POLL_RECORDS, Math.floor(m.owed));
          if (max < 1) continue;
          const records = await this.engine.poll({ groupId: group.groupId, memberId: m.memberId, max });
          m.owed -= records.length;
          // A member with nothing to read does not save up a burst for later.
          if (records.length < max) m.owed = Math.min(m.owed, 1);
          this.processed(group, m, records, now);
        }
      }
      this.prune(now);
    });
  }

  private processed(group: Group, m: Member, records: StoredRecord[], now: number): void {
    if (records.length === 0) return;
    m.processed += records.length;
    m.recentCounts.push({ at: now, count: records.length });
    while (m.recentCounts.length > 0 && m.recentCounts[0]!.at <= now - RATE_WINDOW_MS) m.recentCounts.shift();
    // Keys are decoded for the check; values only for the few records the ring keeps.
    const keep = Math.max(0, records.length - RECENT_PER_GROUP);
    records.forEach((r, i) => {
      const key = r.key === null ? null : printed(r.key, 1000);
      const found = group.detector.observe({ key, topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, by: m.memberId });
      if (i >= keep) group.recent.push({ seq: ++this.seq, memberId: m.memberId, record: r, violations: found.map((v) => v.kind) });
    });
    if (group.recent.length > RECENT_PER_GROUP) group.recent.splice(0, group.recent.length - RECENT_PER_GROUP);
  }

  /** The group's members as the workbench shows them, oldest first. */
  members(groupId: string): WorkbenchMember[] {
    const group = this.groups.get(groupId);
    if (!group) return [];
    const now = this.engine.now();
    const views = new Map(this.engine.describeConsumers(groupId).map((v) => [v.memberId, v]));
    return [...group.members.values()].map((m) => {
      const v = m.life === "running" || m.life === "crashed" ? views.get(m.memberId) : undefined;
      let acked = 0;
      for (const c of m.recentCounts) if (c.at > now - RATE_WINDOW_MS) acked += c.count;
      return {
        memberId: m.memberId,
        external: false,
        coordinatorMemberId: v?.coordinatorMemberId ?? m.coordinatorMemberId,
        life: m.life,
        since: m.since,
        evictBy: m.life === "crashed" && m.since !== null ? m.since + WORKBENCH_SESSION_TIMEOUT_MS : null,
        sessionTimeoutMs: WORKBENCH_SESSION_TIMEOUT_MS,
        recordsPerSecond: m.recordsPerSecond,
        actualRate: m.life === "running" ? Math.round((acked * 1000) / RATE_WINDOW_MS) : 0,
        processed: m.processed,
        generation: v?.generation ?? -1,
        state: m.life === "running" ? (v?.state ?? "UNJOINED") : m.life.toUpperCase(),
        assignment: m.life === "running" ? (v?.assignment ?? []) : [],
        positions: m.life === "running" ? (v?.positions ?? {}) : {},
      };
    });
  }

  groupIds(): string[] {
    return [...this.groups.keys()].sort();
  }

  settingsOf(groupId: string): { topics: string[]; assignor: AssignorChoice } | undefined {
    const g = this.groups.get(groupId);
    return g ? { topics: [...g.topics], assignor: g.assignor } : undefined;
  }

  ordering(groupId: string): OrderingSummary | undefined {
    return this.groups.get(groupId)?.detector.summary();
  }

  /** Records the group's members processed after `afterSeq`, oldest first. */
  recent(groupId: string, afterSeq = 0, max = RECENT_PER_GROUP): RecentRecord[] {
    const group = this.groups.get(groupId);
    if (!group) return [];
    const newer = group.recent.filter((r) => r.seq > afterSeq).slice(-max);
    return newer.map(({ seq, memberId, record: r, violations }) => ({
      seq,
      memberId,
      topic: r.topic,
      partition: r.partition,
      offset: r.offset,
      timestamp: r.timestamp,
      key: printed(r.key),
      value: printed(r.value),
      violations,
    }));
  }

  /** What a saved workspace keeps: the running members of every group. */
  snapshot(): WorkbenchGroupSettings[] {
    return [...this.groups.values()]
      .map((g) => ({
        groupId: g.groupId,
        topics: [...g.topics],
        assignor: g.assignor,
        autoOffsetReset: g.autoOffsetReset,
        members: [...g.members.values()].filter((m) => m.life === "running").map((m) => ({ memberId: m.memberId, recordsPerSecond: m.recordsPerSecond })),
      }))
      .filter((g) => g.members.length > 0);
  }

  /** Bring saved groups back: each member joins again; committed offsets say where to resume. */
  async restore(groups: readonly WorkbenchGroupSettings[]): Promise<void> {
    for (const g of groups) {
      for (const m of g.members) {
        await this.add({ groupId: g.groupId, topics: g.topics, assignor: g.assignor, autoOffsetReset: g.autoOffsetReset, memberId: m.memberId, recordsPerSecond: m.recordsPerSecond });
      }
    }
  }

  /** Resolves when the action in progress (a poll, a join) has finished. */
  async idle(): Promise<void> {
    await this.queue.catch(() => {});
  }

  private memberConfig(group: Group, assignors: AssignorChoice[]): Record<string, string | number | boolean> {
    return {
      "partition.assignment.strategy": assignors.map(assignorName).join(","),
      "session.timeout.ms": WORKBENCH_SESSION_TIMEOUT_MS,
      "heartbeat.interval.ms": HEARTBEAT_INTERVAL_MS,
      "auto.commit.interval.ms": AUTO_COMMIT_INTERVAL_MS,
      "auto.offset.reset": group.autoOffsetReset,
      "max.poll.records": MAX_POLL_RECORDS,
    };
  }

  private coordinatorIdOf(groupId: string, memberId: string): string {
    return this.engine.describeConsumers(groupId).find((v) => v.memberId === memberId)?.coordinatorMemberId ?? "";
  }

  private group(groupId: string): Group {
    const g = this.groups.get(groupId);
    if (!g) throw new KafkaError("GROUP_ID_NOT_FOUND", `group "${groupId}" has no workbench consumers`);
    return g;
  }

  private running(groupId: string, memberId: string, verb: string): Member {
    const m = this.group(groupId).members.get(memberId);
    if (!m || m.life !== "running") {
      throw new KafkaError("UNKNOWN_MEMBER_ID", `${verb} "${memberId}": it is not a running member of group "${groupId}"`);
    }
    return m;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => {});
    return run;
  }
}
