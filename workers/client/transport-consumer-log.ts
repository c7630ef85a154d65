import type { ConsumerSession, ListOffsetSpec } from "../groups/consumer-session";
import { tpKey } from "../groups/topic-partition";
import { KafkaError } from "../protocol/errors";
import { fromSeamError } from "../protocol/seam-error";
import type { PartitionLagView } from "./client-events";
import type { ClientTransport, FetchResponse } from "./client-transport";

type Isolation = "read_uncommitted" | "read_committed";

/**
 * The log as a consumer's `ConsumerSession` reads it, over a transport: one partition's fetch
 * at the session's position (nothing for a paused partition), offset lookups for
 * auto.offset.reset and seeks. Every fetch answer brings the partition's end offsets (HW and
 * LSO), kept here for batches' highWatermark and for the consumer's lag.
 */
export class TransportConsumerLog {
  private readonly endOffsets = new Map<string, { highWatermark: number; lastStableOffset: number }>();

  constructor(
    private readonly transport: ClientTransport,
    /** fetch.max.bytes */
    private readonly fetchMaxBytes: number,
    private readonly isPaused: (key: string) => boolean,
  ) {}

  async fetch(topic: string, partition: number, offset: number, maxBytes: number, isolation: Isolation) {
    const key = `${topic}-${partition}`;
    if (this.isPaused(key)) return { bytes: new Uint8Array(0), nextOffset: offset, abortedTransactions: [] };
    const response = await this.transport.fetch({
      isolationLevel: isolation,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: this.fetchMaxBytes,
      partitions: [{ topic, partition, fetchOffset: offset, maxBytes }],
    });
    const p = response.partitions[0];
    if (!p) throw new KafkaError("UNKNOWN_SERVER_ERROR", `fetch of ${key} came back without that partition`);
    if (p.error) throw fromSeamError(p.error);
    this.endOffsets.set(key, { highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset });
    return { bytes: p.records, nextOffset: p.nextOffset, abortedTransactions: [...p.abortedTransactions] };
  }

  async listOffset(topic: string, partition: number, spec: ListOffsetSpec, isolation: Isolation) {
    const response = await this.transport.listOffsets({ isolationLevel: isolation, partitions: [{ topic, partition, spec }] });
    const p = response.partitions[0];
    if (!p) throw new KafkaError("UNKNOWN_SERVER_ERROR", `list offsets of ${topic}-${partition} came back without that partition`);
    return { offset: p.offset, timestamp: p.timestamp };
  }

  /** End offsets from a fetch made elsewhere (the run loop's wait for data). */
  noteEndOffsets(response: FetchResponse): void {
    for (const p of response.partitions) {
      if (p.error === null) this.endOffsets.set(`${p.topic}-${p.partition}`, { highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset });
    }
  }

  highWatermark(key: string): number | undefined {
    return this.endOffsets.get(key)?.highWatermark;
  }

  /** Lag of each assigned partition with a position and known end offsets. */
  lag(session: ConsumerSession, committed: (key: string) => number | undefined): Record<string, PartitionLagView> {
    const out: Record<string, PartitionLagView> = {};
    const positions = session.positions();
    for (const p of session.assignment) {
      const key = tpKey(p);
      const end = this.endOffsets.get(key);
      const position = positions[key];
      if (end === undefined || position === undefined) continue;
      const endOffset = session.isolation === "read_committed" ? end.lastStableOffset : end.highWatermark;
      const c = committed(key) ?? null;
      out[key] = { position, committed: c, endOffset, lag: c === null ? null : Math.max(0, endOffset - c), positionLag: Math.max(0, endOffset - position) };
    }
    return out;
  }
}
