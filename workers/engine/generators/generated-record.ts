/**
 * What a generator makes: one record in scenario terms (text key, text or JSON value),
 * before serialization. A generator may write to more than one topic (orders and their
 * payments), so the topic travels with the record.
 */
import type { JsonValue } from "../../client/json-serde";
import type { Random } from "../../runtime/random";

export interface GeneratedRecord {
  topic: string;
  key: string | null;
  value: JsonValue;
  /** Event time, ms since the epoch. */
  timestamp: number;
  headers?: Record<string, string>;
}

/** One kind of data: `next` is called once per record, in event-time order of creation. */
export interface RecordSource {
  /** Records due at `eventTime`; usually one, sometimes more (an order and, later, its payment). */
  next(eventTime: number, random: Random): GeneratedRecord[];
}

/** A value with two decimals, as the truck demo prints coordinates. */
export function twoDecimals(n: number): number {
  return Math.round(n * 100) / 100;
}

/** Pick one of `items` uniformly. */
export function pick<T>(items: readonly T[], random: Random): T {
  return items[random.int(items.length)]!;
}

/** Pick by weight: `weights[i]` is the relative chance of `items[i]`. */
export function pickWeighted<T>(items: readonly T[], weights: readonly number[], random: Random): T {
  let total = 0;
  for (const w of weights) total += w;
  let r = random.next() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i]!;
    if (r < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}
