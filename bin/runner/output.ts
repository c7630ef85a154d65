/**
 * The runner's JSON Lines, field for field in the order SCENARIO.md fixes: outside tests
 * compare these lines as text, so every line is built from an object literal whose key
 * order is the contract's.
 */
import type { StoredRecord } from "../../workers/engine/engine-port";
import { decodeHeaders, decodeJson, type JsonHeaders, type JsonValue } from "../../workers/client/json-serde";
import { splitWindowedKey, type WindowedKeyFormat } from "../../workers/streams/runtime/key-formats";
import { comparePartitionNames } from "./partition-name";

/** A record with key, value and headers already decoded for printing. */
export interface PrintedRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: JsonValue;
  value: JsonValue;
  headers?: JsonHeaders;
}

export interface PollOrigin {
  groupId: string;
  memberId: string;
}

/** One consumer group at the end of a run, as `--groups` prints it. */
export interface GroupSummary {
  group: string;
  state: string;
  generation: number;
  /** memberId → partitions as "topic-partition". */
  assignments: Record<string, string[]>;
  /** "topic-partition" → committed offset. */
  committed: Record<string, number>;
  /** "topic-partition" → lag. */
  lag: Record<string, number>;
}

export interface PrintOptions {
  /** How to show a topic's keys; windowed topics show `{"key":K,"window":{…}}`. Default: {@link decodeJson}. */
  decodeKey?: (bytes: Uint8Array | null, topic: string) => JsonValue;
}

/** How the keys of a topic that holds windowed keys are laid out (see workers/streams/runtime/key-formats.ts). */
export type WindowedKeyFormatOf = (topic: string) => WindowedKeyFormat | undefined;

/**
 * Decodes keys for printing: on topics where stream applications wrote windowed keys,
 * `{"key":K,"window":{"start":ms,"end":ms}}`; elsewhere as any key.
 */
export function windowedKeyDecoder(formatOf: WindowedKeyFormatOf): (bytes: Uint8Array | null, topic: string) => JsonValue {
  return (bytes, topic) => {
    const format = bytes === null ? undefined : formatOf(topic);
    if (bytes === null || format === undefined) return decodeJson(bytes);
    const split = splitWindowedKey(bytes, format);
    if (split === undefined) return decodeJson(bytes);
    return { key: decodeJson(split.key), window: { start: split.start, end: split.end } };
  };
}

export function printedRecord(record: StoredRecord, options: PrintOptions = {}): PrintedRecord {
  const decodeKey = options.decodeKey ?? decodeJson;
  const printed: PrintedRecord = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: decodeKey(record.key, record.topic),
    value: decodeJson(record.value),
  };
  if (record.headers.length > 0) printed.headers = decodeHeaders(record.headers);
  return printed;
}

export function formatPollLine(origin: PollOrigin, r: PrintedRecord): string {
  return JSON.stringify({
    poll: { groupId: origin.groupId, memberId: origin.memberId },
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
  });
}

export function formatDumpLine(r: PrintedRecord): string {
  const line: Record<string, unknown> = {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: r.timestamp,
    key: r.key,
    value: r.value,
  };
  if (r.headers !== undefined && Object.keys(r.headers).length > 0) line.headers = r.headers;
  return JSON.stringify(line);
}

/**
 * Members and partitions are sorted (members by id, partitions by topic then number), so
 * the line does not depend on the order in which the coordinator happens to hold them.
 */
export function formatGroupLine(g: GroupSummary): string {
  const assignments: Record<string, string[]> = {};
  for (const member of Object.keys(g.assignments).sort()) {
    // defineProperty, not assignment: a member may be called "__proto__".
    Object.defineProperty(assignments, member, {
      value: [...(g.assignments[member] ?? [])].sort(comparePartitionNames),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return JSON.stringify({
    group: g.group,
    state: g.state,
    generation: g.generation,
    assignments,
    committed: sortedByPartition(g.committed),
    lag: sortedByPartition(g.lag),
  });
}

function sortedByPartition(map: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of Object.keys(map).sort(comparePartitionNames)) out[name] = map[name] as number;
  return out;
}
