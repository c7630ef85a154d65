/**
 * InitProducerId: hands out producer ids and epochs (Kafka's `ProducerIdManager` plus the
 * id/epoch part of the `TransactionCoordinator`).
 *
 * An idempotent producer gets a fresh id with epoch 0 every time. A transactional producer
 * keeps one id per transactional.id; each initTransactions() bumps the epoch, which fences
 * any older instance still using the previous epoch (its writes and markers are refused).
 * Ids come from a counter, so a run is deterministic; the broker persists `snapshot()`.
 */
import { KafkaError } from "../protocol/errors";

/** Broker default of transaction.max.timeout.ms (15 minutes). */
export const DEFAULT_TRANSACTION_MAX_TIMEOUT_MS = 900_000;
/** Kafka rotates to a new producer id before the int16 epoch can overflow. */
const EPOCH_EXHAUSTED_AT = 32767 - 1;

export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

export interface InitProducerIdRequest {
  /** Null or absent for an idempotent-only producer. */
  transactionalId?: string | null;
  transactionTimeoutMs?: number;
  /** KIP-360: the id and epoch the producer holds, when it re-initializes. */
  expected?: ProducerIdAndEpoch;
}

export interface InitProducerIdResult extends ProducerIdAndEpoch {
  /** The id and epoch this call fenced (the previous instance of the transactional.id). */
  fenced?: ProducerIdAndEpoch;
}

export interface TransactionalProducer extends ProducerIdAndEpoch {
  transactionalId: string;
  transactionTimeoutMs: number;
}

export interface ProducerIdsSnapshot {
  nextProducerId: number;
  transactional: TransactionalProducer[];
}

export class ProducerIdManager {
  private nextId: number;
  private readonly byTransactionalId = new Map<string, TransactionalProducer>();
  private readonly maxTimeoutMs: number;

  constructor(opts: { firstProducerId?: number; transactionMaxTimeoutMs?: number } = {}) {
    this.nextId = opts.firstProducerId ?? 0;
    this.maxTimeoutMs = opts.transactionMaxTimeoutMs ?? DEFAULT_TRANSACTION_MAX_TIMEOUT_MS;
  }

  initProducerId(req: InitProducerIdRequest = {}): InitProducerIdResult {
    const txnId = req.transactionalId ?? null;
    if (txnId === null) return { producerId: this.nextId++, producerEpoch: 0 };
    if (txnId === "") throw new KafkaError("INVALID_REQUEST", "InitProducerId: transactional.id must not be empty");

    const timeout = req.transactionTimeoutMs ?? 60_000;
    if (!Number.isInteger(timeout) || timeout <= 0 || timeout > this.maxTimeoutMs) {
      throw new KafkaError(
        "INVALID_TRANSACTION_TIMEOUT",
        `transactional.id ${JSON.stringify(txnId)}: transaction.timeout.ms ${timeout} must be between 1 and the ` +
          `broker's transaction.max.timeout.ms ${this.maxTimeoutMs}`,
      );
    }

    const current = this.byTransactionalId.get(txnId);
    if (current === undefined) {
      const fresh = { transactionalId: txnId, producerId: this.nextId++, producerEpoch: 0, transactionTimeoutMs: timeout };
      this.byTransactionalId.set(txnId, fresh);
      return { producerId: fresh.producerId, producerEpoch: fresh.producerEpoch };
    }

    if (
      req.expected !== undefined &&
      (req.expected.producerId !== current.producerId || req.expected.producerEpoch !== current.producerEpoch)
    ) {
      throw new KafkaError(
        "PRODUCER_FENCED",
        `transactional.id ${JSON.stringify(txnId)}: producer ${req.expected.producerId} epoch ${req.expected.producerEpoch} ` +
          `is not the current one (producer ${current.producerId} epoch ${current.producerEpoch})`,
      );
    }

    const fenced = { producerId: current.producerId, producerEpoch: current.producerEpoch };
    if (current.producerEpoch >= EPOCH_EXHAUSTED_AT) {
      current.producerId = this.nextId++;
      current.producerEpoch = 0;
    } else {
      current.producerEpoch += 1;
    }
    current.transactionTimeoutMs = timeout;
    return { producerId: current.producerId, producerEpoch: current.producerEpoch, fenced };
  }

  /** The current id and epoch of a transactional.id, if it was ever initialized. */
  current(transactionalId: string): Readonly<TransactionalProducer> | undefined {
    const t = this.byTransactionalId.get(transactionalId);
    return t === undefined ? undefined : { ...t };
  }

  /**
   * For AddPartitionsToTxn / EndTxn / TxnOffsetCommit: the request's id and epoch must be
   * the transactional.id's current ones.
   */
  checkProducer(transactionalId: string, producerId: number, producerEpoch: number): void {
    const t = this.byTransactionalId.get(transactionalId);
    if (t === undefined) {
      throw new KafkaError(
        "INVALID_PRODUCER_ID_MAPPING",
        `transactional.id ${JSON.stringify(transactionalId)} is not known (call initTransactions first)`,
      );
    }
    if (t.producerId !== producerId) {
      throw new KafkaError(
        "INVALID_PRODUCER_ID_MAPPING",
        `transactional.id ${JSON.stringify(transactionalId)} belongs to producer ${t.producerId}, not ${producerId}`,
      );
    }
    if (producerEpoch !== t.producerEpoch) {
      throw new KafkaError(
        "PRODUCER_FENCED",
        `transactional.id ${JSON.stringify(transactionalId)}: producer ${producerId} epoch ${producerEpoch} was fenced ` +
          `by epoch ${t.producerEpoch}`,
      );
    }
  }

  snapshot(): ProducerIdsSnapshot {
    return {
      nextProducerId: this.nextId,
      transactional: [...this.byTransactionalId.values()].map((t) => ({ ...t })),
    };
  }

  static restore(s: ProducerIdsSnapshot, opts: { transactionMaxTimeoutMs?: number } = {}): ProducerIdManager {
    const m = new ProducerIdManager({ firstProducerId: s.nextProducerId, ...opts });
    for (const t of s.transactional) m.byTransactionalId.set(t.transactionalId, { ...t });
    return m;
  }
}
