/**
 * Reading a partition straight from the broker, as a restore consumer does: from an offset
 * to the end a consumer of that isolation level may read (HW, or the LSO for
 * read_committed), markers and aborted records left out.
 */
import type { Broker } from "../../broker/broker";
import { visibleRecords } from "../../client/visible-records";
import type { ConsumerRecord } from "../../groups/consumer-session";
import type { IsolationLevel } from "../../broker/partition";

const FETCH_BYTES = 1 << 20;

export async function readPartition(
  broker: Broker,
  topic: string,
  partition: number,
  from: number,
  isolation: IsolationLevel,
  onChunk: (records: ConsumerRecord[]) => void | Promise<void>,
): Promise<number> {
  const p = broker.partition(topic, partition);
  let position = Math.max(from, p.logStartOffset);
  const end = isolation === "read_committed" ? p.lastStableOffset : p.highWatermark;
  while (position < end) {
    const data = await broker.fetch(topic, partition, position, FETCH_BYTES, isolation);
    if (data.bytes.length === 0) break;
    const aborted = isolation === "read_committed" ? data.abortedTransactions : undefined;
    const out: ConsumerRecord[] = [];
    for (const r of visibleRecords(data.bytes, position, aborted)) {
      if (r.offset >= end) break;
      out.push({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers });
    }
    if (out.length > 0) await onChunk(out);
    if (data.nextOffset <= position) break;
    position = Math.min(data.nextOffset, end);
  }
  return position;
}
