/**
 * What the broker tells the workbench: compact change events, so views can animate the
 * log without ever holding it (DESIGN.md seam 4).
 */
import type { LogEvent } from "../log/partition-log";
import type { CleanerEvent } from "../log/cleaner";
import type { GroupEvent } from "../groups/group-events";

export type BrokerEvent =
  | { type: "topic-created"; topic: string; partitions: number }
  | { type: "topic-deleted"; topic: string }
  | { type: "topic-config-altered"; topic: string; changed: string[] }
  | { type: "records-appended"; topic: string; partition: number; baseOffset: number; lastOffset: number; recordCount: number; bytes: number }
  | { type: "log"; topic: string; partition: number; event: LogEvent }
  | { type: "cleaned"; topic: string; partition: number; result: CleanerEvent }
  | { type: "retention"; topic: string; partition: number; deletedSegments: number[]; logStartOffset: number }
  /** The group coordinator's events (joins, rebalances, evictions, commits), for the groups view. */
  | { type: "group"; event: GroupEvent };

export type BrokerListener = (event: BrokerEvent) => void;
