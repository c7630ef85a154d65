/**
 * KafkaJS's processing model over one poll's records: each partition's records go to
 * `eachMessage` one by one or to `eachBatch` at once, up to partitionsConsumedConcurrently
 * partitions at a time. Offsets are resolved as handlers finish with messages; a message a
 * handler did not finish with (it threw, the partition was paused, the consumer stopped) is
 * fetched again by seeking the partition back to it, unless a seek or rebalance overtook the
 * batch. A handler's failure stops the poll's other batches and surfaces as a
 * {@link HandlerError} once the resolved offsets were committed (autoCommit).
 */
import type { ConsumerSession } from "../groups/consumer-session";
import type { TopicPartition } from "../groups/topic-partition";
import { tpKey } from "../groups/topic-partition";
import type { Batch, TopicPartitionOffsetAndMetadata } from "./consumer-api";
import { CONSUMER_EVENTS } from "./consumer-api";
import type { ConsumerReporter } from "./consumer-reporter";
import { HandlerError } from "./handler-error";
import { makeBatch, toKafkaMessage } from "./kafka-message";
import type { OffsetCommitPolicy } from "./offset-commit-policy";
import type { PartitionBatch, PartitionEpochs } from "./partition-batches";
import type { PausedPartitions } from "./paused-partitions";
import { parseOffset } from "./producer";
import type { RunSettings } from "./run-settings";
import type { TransportConsumerLog } from "./transport-consumer-log";

export interface BatchRunnerDeps {
  readonly paused: PausedPartitions;
  readonly epochs: PartitionEpochs;
  readonly offsets: OffsetCommitPolicy;
  readonly log: TransportConsumerLog;
  readonly reporter: ConsumerReporter;
  settings(): RunSettings;
  isRunning(): boolean;
  /** The running session (there is one while batches are processed). */
  session(): ConsumerSession;
  heartbeat(): Promise<void>;
  /** The consumer's commitOffsets, for eachBatch's commitOffsetsIfNecessary(offsets). */
  commitOffsets(offsets: TopicPartitionOffsetAndMetadata[]): Promise<void>;
  /** The consumer's resume, for the function a payload's pause() returns. */
  resume(topics: { topic: string; partitions: number[] }[]): void;
}

export class BatchRunner {
  constructor(private readonly deps: BatchRunnerDeps) {}

  /** Process the batches of one poll, up to partitionsConsumedConcurrently at a time. */
  async processAll(batches: PartitionBatch[]): Promise<void> {
    const queue = [...batches];
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
        if (failure) {
          this.rewind(b, b.records[0]!.offset);
          continue;
        }
        try {
          await this.processBatch(b);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.settings().partitionsConsumedConcurrently, queue.length) }, worker));
    if (failure) {
      if (this.deps.settings().autoCommit) await this.deps.offsets.commitResolved().catch(() => undefined);
      throw failure.error;
    }
  }

  /**
   * A partition whose records were all handled moves its resolved offset to the session's
   * position, past transaction markers and aborted records, as KafkaJS resolves batches
   * that filtering emptied: a consumer that read everything then shows no lag.
   */
  resolvePastFiltered(batches: readonly PartitionBatch[]): void {
    const { offsets, epochs, paused } = this.deps;
    const session = this.deps.session();
    const positions = session.positions();
    for (const p of session.assignment) {
      const key = tpKey(p);
      const position = positions[key];
      if (position === undefined || paused.has(key)) continue;
      const b = batches.find((x) => x.key === key);
      if (b && epochs.isStale(b)) continue;
      const lastDelivered = b ? b.records.at(-1)!.offset + 1 : undefined;
      const resolved = offsets.resolved(key);
      if (lastDelivered !== undefined && (resolved === undefined || resolved < lastDelivered)) continue;
      if (resolved === undefined || position > resolved) offsets.place(key, position);
    }
  }

  private async processBatch(b: PartitionBatch): Promise<void> {
    const { reporter } = this.deps;
    const first = b.records[0]!.offset;
    const last = b.records.at(-1)!.offset;
    const highWatermark = this.deps.log.highWatermark(b.key) ?? last + 1;
    const payload = {
      topic: b.tp.topic,
      partition: b.tp.partition,
      highWatermark: String(highWatermark),
      offsetLag: String(Math.max(0, highWatermark - 1 - last)),
      offsetLagLow: String(Math.max(0, highWatermark - 1 - first)),
      batchSize: b.records.length,
      firstOffset: String(first),
      lastOffset: String(last),
    };
    const startedAt = reporter.now();
    reporter.instrument(CONSUMER_EVENTS.START_BATCH_PROCESS, payload);
    if (this.deps.settings().eachMessage) await this.eachMessage(b);
    else await this.eachBatch(b, makeBatch(b.tp, highWatermark, b.records.map(toKafkaMessage)));
    reporter.instrument(CONSUMER_EVENTS.END_BATCH_PROCESS, { ...payload, duration: reporter.now() - startedAt });
  }

  /**
   * Each message is made just before its handler runs: made all at once, a batch of
   * thousands would outlive the young generation and cost a full collection.
   */
  private async eachMessage(b: PartitionBatch): Promise<void> {
    const { epochs, paused, offsets } = this.deps;
    const settings = this.deps.settings();
    const handler = settings.eachMessage!;
    const pause = () => this.pausePartition(b.tp);
    const heartbeat = () => this.deps.heartbeat();
    const { topic, partition } = b.tp;
    // Checked per message only when a commit can fall due inside a batch.
    const { autoCommit, autoCommitInterval, autoCommitThreshold } = settings;
    const commitsWithin = autoCommit && (autoCommitInterval !== null || autoCommitThreshold !== null);
    for (const record of b.records) {
      const offset = record.offset;
      if (epochs.isStale(b)) return;
      if (!this.deps.isRunning() || paused.has(b.key)) {
        this.rewind(b, offset);
        return;
      }
      try {
        await handler({ topic, partition, message: toKafkaMessage(record), heartbeat, pause });
      } catch (e) {
        this.rewind(b, offset);
        throw new HandlerError(e);
      }
      if (epochs.isStale(b)) return;
      offsets.resolve(b.key, offset + 1);
      if (commitsWithin) await offsets.commitIfNecessary();
    }
  }

  private async eachBatch(b: PartitionBatch, batch: Batch): Promise<void> {
    const { epochs, offsets } = this.deps;
    const handler = this.deps.settings().eachBatch!;
    try {
      await handler({
        batch,
        resolveOffset: (offset) => {
          if (!epochs.isStale(b)) offsets.resolve(b.key, parseOffset(offset, `resolveOffset on ${b.key}`) + 1);
        },
        heartbeat: () => this.deps.heartbeat(),
        pause: () => this.pausePartition(b.tp),
        commitOffsetsIfNecessary: async (given) => {
          if (given) await this.deps.commitOffsets(given.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset }))));
          else await offsets.commitIfNecessary();
        },
        uncommittedOffsets: () => offsets.uncommitted(),
        isRunning: () => this.deps.isRunning(),
        isStale: () => epochs.isStale(b),
      });
    } catch (e) {
      const next = offsets.resolved(b.key) ?? b.records[0]!.offset;
      this.rewind(b, Math.max(next, b.records[0]!.offset));
      throw new HandlerError(e);
    }
    if (epochs.isStale(b)) return;
    const last = b.records.at(-1)!.offset;
    if (this.deps.settings().eachBatchAutoResolve) offsets.resolve(b.key, last + 1);
    const next = offsets.resolved(b.key) ?? b.records[0]!.offset;
    // What the handler did not resolve is delivered again.
    if (next <= last) this.rewind(b, next);
  }

  /** Fetch `b`'s partition again from `offset` (an unprocessed message), unless it moved on meanwhile. */
  private rewind(b: PartitionBatch, offset: number): void {
    if (this.deps.epochs.isStale(b)) return;
    const session = this.deps.session();
    if (!session.assignment.some((p) => tpKey(p) === b.key)) return;
    void session.seek(b.tp, offset).catch(() => undefined);
  }

  private pausePartition(tp: TopicPartition): () => void {
    this.deps.paused.pausePartition(tpKey(tp));
    return () => {
      if (this.deps.isRunning()) this.deps.resume([{ topic: tp.topic, partitions: [tp.partition] }]);
    };
  }
}
