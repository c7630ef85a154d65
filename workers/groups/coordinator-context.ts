import type { KafkaErrorName } from "../protocol/errors";
import { isKafkaError } from "../protocol/errors";
import type { Random } from "../runtime/random";
import type { Scheduler } from "../runtime/scheduler";
import { ClassicGroup } from "./classic-group";
import type { GroupEvent, GroupEventListener } from "./group-events";
import { KeyedTimers } from "./keyed-timers";

/** The coordinator's settings, by their broker config names. */
export interface CoordinatorLimits {
  /** group.initial.rebalance.delay.ms */
  readonly initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms */
  readonly minSessionTimeoutMs: number;
  /** group.max.session.timeout.ms */
  readonly maxSessionTimeoutMs: number;
  /** group.max.size */
  readonly maxGroupSize: number;
  /** How long a new member's first JoinGroup may stay parked. */
  readonly newMemberJoinTimeoutMs: number;
}

/**
 * What every part of the coordinator shares: the groups it holds, its timers, its events, and
 * the way an operation runs.
 *
 * JoinGroup and SyncGroup may be parked until other members act, so they answer through a
 * callback, like Kafka's response futures. Callbacks run once the coordinator operation that
 * produced the answer has finished, never in the middle of it ({@link run}, {@link post}), so
 * a member may send its next request from inside the callback. Timers fire as operations of
 * their own.
 */
export class CoordinatorContext {
  readonly groups = new Map<string, ClassicGroup>();
  readonly timers: KeyedTimers;
  private readonly outbox: (() => void)[] = [];
  private depth = 0;
  private flushing = false;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly random: Random,
    private readonly listener: GroupEventListener | undefined,
    readonly limits: CoordinatorLimits,
  ) {
    this.timers = new KeyedTimers(
      scheduler,
      (task) => this.outbox.push(task),
      (task) => () => this.run(task),
    );
  }

  /**
   * Runs one coordinator operation; responses produced on the way are delivered when the
   * outermost operation ends, in order, so no callback sees the coordinator half-way.
   */
  run<T>(op: () => T): T {
    this.depth++;
    try {
      return op();
    } finally {
      this.depth--;
      if (this.depth === 0 && !this.flushing) {
        this.flushing = true;
        try {
          while (this.outbox.length > 0) this.outbox.shift()!();
        } finally {
          this.flushing = false;
        }
      }
    }
  }

  /** Deliver a response once the current operation has finished. */
  post(task: () => void): void {
    this.outbox.push(task);
  }

  now(): number {
    return this.scheduler.clock.now();
  }

  emit(event: GroupEvent): void {
    this.listener?.(event);
  }

  /** The KafkaError a check throws, by name; null when it passes. */
  errorOf(check: () => void): KafkaErrorName | null {
    try {
      check();
      return null;
    } catch (e) {
      if (isKafkaError(e)) return e.type;
      throw e;
    }
  }

  createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, {
      now: () => this.now(),
      post: (task) => this.post(task),
      onTransition: (g, from, to) => this.emit({ type: "state-changed", at: this.now(), groupId: g.groupId, from, to }),
    });
    this.groups.set(groupId, group);
    return group;
  }

  /** `<prefix>-<uuid v4>`, as Kafka makes member ids, from the seeded random source. */
  generateMemberId(prefix: string): string {
    const hex = (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += this.random.int(16).toString(16);
      return s;
    };
    const variant = (8 + this.random.int(4)).toString(16);
    return `${prefix}-${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }
}
