/**
 * Reading a partition straight from the broker, as a restore consumer does: from an offset
 * to the end a consumer of that isolation level may read (HW, or the LSO for
 * read_committed), markers and aborted records left out.
 */
import type { Broker } from "../../broker/broker";
import { mapVisibleRecords } from "../../client/visible-records";
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
    // Records made straight from the decoded fields: no intermediate object per record.
    const decoded = mapVisibleRecords(data.bytes, position, aborted, (r): ConsumerRecord => ({ topic, partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }));
    let n = decoded.length;
    while (n > 0 && decoded[n - 1]!.offset >= end) n--;
    if (n < decoded.length) decoded.length = n;
    if (decoded.length > 0) await onChunk(decoded);
    if (data.nextOffset <= position) break;
    position = Math.min(data.nextOffset, end);
  }
  return position;
}
