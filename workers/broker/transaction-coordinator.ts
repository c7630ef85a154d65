/**
 * The transaction coordinator (KIP-98, EOS v2 / KIP-447): keeps each transactional.id's
 * current producer id and epoch and its open transaction — the partitions written in it
 * and the consumer offsets to commit with it — and ends transactions by writing COMMIT or
 * ABORT markers into every partition touched.
 *
 * States of a transactional.id, as Kafka's TransactionState names them:
 *   Empty → Ongoing (first AddPartitionsToTxn) → PrepareCommit | PrepareAbort
 *   → CompleteCommit | CompleteAbort (markers written) → Ongoing again on the next write.
 * A transaction open longer than its transaction.timeout.ms is aborted by the coordinator,
 * which bumps the epoch so the late producer is fenced.
 *
 * Kafka persists this state in `__transaction_state`; here it lives in memory, and a
 * broker restart aborts whatever the partitions say is still open (as if it timed out).
 */
import type { ControlType } from "../log/record-batch";
import { KafkaError } from "../protocol/errors";
import type { ProducerIdManager } from "./producer-ids";

export type TransactionState = "Empty" | "Ongoing" | "PrepareCommit" | "PrepareAbort" | "CompleteCommit" | "CompleteAbort";

export interface PendingOffsetCommit {
  groupId: string;
  offsets: Record<string, number>;
}

interface TransactionEntry {
  transactionalId: string;
  state: TransactionState;
  partitions: Set<string>;
  startedAt: number;
  pendingOffsets: PendingOffsetCommit[];
}

export interface TransactionMarkerWriter {
  /** Append a marker to one partition ("topic-partition"); resolves when it is in the log. */
  writeMarker(topicPartition: string, type: ControlType, producerId: number, producerEpoch: number): Promise<void>;
  /** Apply the offsets a transaction carried, once it commits. */
  commitOffsets(commit: PendingOffsetCommit): Promise<void>;
  now(): number;
}

export interface TransactionDescription {
  transactionalId: string;
  state: TransactionState;
  producerId: number;
  producerEpoch: number;
  partitions: string[];
  startedAt: number;
  timeoutMs: number;
}

export class TransactionCoordinator {
  private readonly entries = new Map<string, TransactionEntry>();

  constructor(
    private readonly ids: ProducerIdManager,
    private readonly writer: TransactionMarkerWriter,
  ) {}

  /** InitProducerId for a transactional producer: abort what its previous incarnation left open, then bump the epoch. */
  async initTransactions(transactionalId: string, transactionTimeoutMs: number): Promise<{ producerId: number; producerEpoch: number }> {
    const previous = this.ids.current(transactionalId);
    const entry = this.entries.get(transactionalId);
    const result = this.ids.initProducerId({ transactionalId, transactionTimeoutMs });
    if (entry && entry.state === "Ongoing" && previous) {
      await this.complete(entry, "ABORT", result.producerId, result.producerEpoch);
    }
    this.entries.set(transactionalId, { transactionalId, state: "Empty", partitions: new Set(), startedAt: -1, pendingOffsets: [] });
    return { producerId: result.producerId, producerEpoch: result.producerEpoch };
  }

  /** AddPartitionsToTxn: the producer is about to write to these partitions in its transaction. */
  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly string[]): void {
    const entry = this.checked(transactionalId, producerId, producerEpoch);
    this.begin(entry);
    for (const tp of partitions) entry.partitions.add(tp);
  }

  /** TxnOffsetCommit (sendOffsetsToTransaction): offsets become visible only if the transaction commits. */
  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, commit: PendingOffsetCommit): void {
    const entry = this.checked(transactionalId, producerId, producerEpoch);
    this.begin(entry);
    entry.pendingOffsets.push(commit);
  }

  /** EndTxn: write COMMIT or ABORT markers everywhere the transaction wrote. */
  async endTransaction(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<void> {
    const entry = this.checked(transactionalId, producerId, producerEpoch);
    if (entry.state !== "Ongoing") {
      // Ending an empty transaction is allowed and does nothing, as in Kafka.
      if (entry.state === "Empty" || entry.state === "CompleteCommit" || entry.state === "CompleteAbort") return;
      throw new KafkaError("INVALID_TXN_STATE", `transactional.id "${transactionalId}" is in state ${entry.state}`);
    }
    await this.complete(entry, commit ? "COMMIT" : "ABORT", producerId, producerEpoch);
  }

  /** Abort every transaction open longer than its timeout; the producer is fenced by an epoch bump. */
  async abortTimedOut(): Promise<string[]> {
    const now = this.writer.now();
    const aborted: string[] = [];
    for (const entry of this.entries.values()) {
      const current = this.ids.current(entry.transactionalId);
      if (!current || entry.state !== "Ongoing") continue;
      if (now - entry.startedAt <= current.transactionTimeoutMs) continue;
      const bumped = this.ids.initProducerId({ transactionalId: entry.transactionalId, transactionTimeoutMs: current.transactionTimeoutMs });
      await this.complete(entry, "ABORT", bumped.producerId, bumped.producerEpoch);
      aborted.push(entry.transactionalId);
    }
    return aborted;
  }

  describe(): TransactionDescription[] {
    return [...this.entries.values()].map((e) => {
      const current = this.ids.current(e.transactionalId);
      return {
        transactionalId: e.transactionalId,
        state: e.state,
        producerId: current?.producerId ?? -1,
        producerEpoch: current?.producerEpoch ?? -1,
        partitions: [...e.partitions].sort(),
        startedAt: e.startedAt,
        timeoutMs: current?.transactionTimeoutMs ?? 0,
      };
    });
  }

  private begin(entry: TransactionEntry): void {
    if (entry.state === "PrepareCommit" || entry.state === "PrepareAbort") {
      throw new KafkaError("CONCURRENT_TRANSACTIONS", `transactional.id "${entry.transactionalId}" is still completing its previous transaction`);
    }
    if (entry.state !== "Ongoing") {
      entry.state = "Ongoing";
      entry.partitions = new Set();
      entry.pendingOffsets = [];
      entry.startedAt = this.writer.now();
    }
  }

  private checked(transactionalId: string, producerId: number, producerEpoch: number): TransactionEntry {
    this.ids.checkProducer(transactionalId, producerId, producerEpoch);
    const entry = this.entries.get(transactionalId);
    if (!entry) throw new KafkaError("INVALID_PRODUCER_ID_MAPPING", `transactional.id "${transactionalId}" is not known (call initTransactions first)`);
    return entry;
  }

  private async complete(entry: TransactionEntry, type: ControlType, producerId: number, producerEpoch: number): Promise<void> {
    entry.state = type === "COMMIT" ? "PrepareCommit" : "PrepareAbort";
    for (const tp of [...entry.partitions].sort()) await this.writer.writeMarker(tp, type, producerId, producerEpoch);
    if (type === "COMMIT") for (const commit of entry.pendingOffsets) await this.writer.commitOffsets(commit);
    entry.state = type === "COMMIT" ? "CompleteCommit" : "CompleteAbort";
    entry.partitions = new Set();
    entry.pendingOffsets = [];
  }
}
