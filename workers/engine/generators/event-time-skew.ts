/**
 * The "disorder" dials of a generator: a share of records arrives out of order (its event
 * time a little in the past, within `jitterMs`) and a share arrives late (its event time
 * `lateByMs` in the past, typically beyond a window's grace period). The broker stores
 * records in arrival order, so these show up as timestamps going backwards in a partition.
 */
import type { Random } from "../../runtime/random";

export interface SkewDials {
  /** Share of records, 0–1, whose timestamp is pulled back by up to `jitterMs`. */
  outOfOrder: number;
  jitterMs: number;
  /** Share of records, 0–1, whose timestamp is pulled back by `lateByMs`. */
  late: number;
  lateByMs: number;
}

export const DEFAULT_SKEW: SkewDials = { outOfOrder: 0, jitterMs: 5000, late: 0, lateByMs: 60_000 };

export type Skewed = { timestamp: number; kind: "on-time" | "out-of-order" | "late" };

export function skewTimestamp(eventTime: number, dials: SkewDials, random: Random): Skewed {
  const r = random.next();
  if (r < dials.late) return { timestamp: Math.max(0, eventTime - dials.lateByMs), kind: "late" };
  if (r < dials.late + dials.outOfOrder) {
    const back = 1 + Math.floor(random.next() * Math.max(1, dials.jitterMs));
    return { timestamp: Math.max(0, eventTime - back), kind: "out-of-order" };
  }
  return { timestamp: eventTime, kind: "on-time" };
}
