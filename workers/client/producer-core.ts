/**
 * The sending half of a Kafka producer, shared by the scenario runner and the client API:
 * partition choice, batching by batch.size and linger.ms, idempotent sequence numbers and
 * the size limits a real producer enforces before anything leaves it.
 *
 * It talks to a broker through {@link ProduceTransport}: the in-process broker in Node, a
 * proxy of the broker worker in the browser.
 */
import { encodeBatch, type RecordHeader, type RecordInput } from "../log/record-batch";
import { KafkaError } from "../protocol/errors";
import type { ProducerConfig } from "../protocol/client-config";
import type { Random } from "../runtime/random";
import type { Cancel, Scheduler } from "../runtime/scheduler";
import { Partitioner } from "./partitioner";
import { RecordAccumulator, estimateRecordSize, type OpenBatch } from "./record-accumulator";

export interface ProduceTransport {
  partitionCount(topic: string): number | Promise<number>;
  produce(topic: string, partition: number, batch: Uint8Array): Promise<{ baseOffset: number; logAppendTime: number }>;
  initProducerId(req: { transactionalId?: string | null; transactionTimeoutMs?: number }): Promise<{ producerId: number; producerEpoch: number }>;
  /** The transaction coordinator's calls; only transactional producers need them. */
  transactions?: TransactionTransport;
}

export interface TransactionTransport {
  addPartitionsToTxn(transactionalId: string, producerId: number, producerEpoch: number, partitions: string[]): void | Promise<void>;
  addOffsetsToTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: { groupId: string; offsets: Record<string, number> }): void | Promise<void>;
  endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<void>;
}

export interface OutgoingRecord {
  key: Uint8Array | null;
  value: Uint8Array | null;
  timestamp?: number;
  partition?: number;
  headers?: RecordHeader[];
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
}

/** The waiter of a record sent by sendBulk: its batch's failure reaches flush() instead. */
const UNOBSERVED: OpenBatch["waiters"][number] = { resolve: () => {}, reject: () => {} };

export class ProducerCore {
  private readonly accumulator: RecordAccumulator;
  private readonly partitioner: Partitioner;
  private readonly sequences = new Map<string, number>();
  private readonly inflight = new Set<Promise<void>>();
  private identity: Promise<{ producerId: number; producerEpoch: number }> | undefined;
  private lingerTimer: Cancel | undefined;
  private failure: unknown;
  /** Transactional producers only: whether a transaction is open, and where it wrote. */
  private inTransaction = false;
  private readonly txnPartitions = new Set<string>();

  constructor(
    private readonly transport: ProduceTransport,
    private readonly scheduler: Scheduler,
    random: Random,
    readonly config: ProducerConfig,
  ) {
    this.accumulator = new RecordAccumulator(config["batch.size"]);
    this.partitioner = new Partitioner(random, config);
  }

  /**
   * Queue records; each promise settles when its batch is acknowledged (acks=0 settles
   * with offset -1 once sent, as Kafka reports no offset then).
   */
  async send(topic: string, records: readonly OutgoingRecord[]): Promise<Array<Promise<RecordMetadata>>> {
    this.requireSendable();
    const numPartitions = await this.transport.partitionCount(topic);
    const now = this.scheduler.clock.now();
    const results: Array<Promise<RecordMetadata>> = [];
    for (const r of records) {
      let settle!: OpenBatch["waiters"][number];
      const offset = new Promise<number>((resolve, reject) => (settle = { resolve, reject }));
      const partition = this.append(topic, numPartitions, now, r, settle);
      const timestamp = r.timestamp ?? now;
      results.push(offset.then((o) => ({ topic, partition, offset: o, timestamp })));
    }
    this.sendReady(false);
    return results;
  }

  /**
   * Queue records like {@link send}, without a promise per record: for callers that never
   * look at single acknowledgements, as Kafka Streams' record collector, whose send callback
   * only keeps the first error. A batch that fails makes the next {@link flush} (and so
   * commitTransaction) throw, exactly as it does after send. Records with a timestamp and
   * headers are batched as they are, so they must stay unchanged until flushed.
   */
  async sendBulk(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    this.requireSendable();
    const numPartitions = await this.transport.partitionCount(topic);
    const now = this.scheduler.clock.now();
    for (let i = 0; i < records.length; i++) this.append(topic, numPartitions, now, records[i]!, UNOBSERVED, true);
    this.sendReady(false);
  }

  private requireSendable(): void {
    if (this.transactionalId && !this.inTransaction) {
      throw new KafkaError("ILLEGAL_STATE", `producer with transactional.id "${this.transactionalId}": cannot send outside a transaction (call beginTransaction first)`);
    }
  }

  /**
   * Size check, partition choice and accumulation of one record (its partition is returned);
   * a batch it closes goes out. With `keep`, a record that has its timestamp and headers is
   * batched as the caller's object, not a copy (the caller does not change it before the flush).
   */
  private append(topic: string, numPartitions: number, now: number, r: OutgoingRecord, waiter: OpenBatch["waiters"][number], keep = false): number {
    const input: RecordInput =
      keep && r.timestamp !== undefined && r.headers !== undefined ? (r as RecordInput) : { key: r.key, value: r.value, timestamp: r.timestamp ?? now, headers: r.headers ?? [] };
    const size = estimateRecordSize(input);
    if (size > this.config["max.request.size"]) {
      throw new KafkaError(
        "RECORD_TOO_LARGE",
        `topic "${topic}": the record is ${size} bytes when serialized, larger than max.request.size=${this.config["max.request.size"]}`,
      );
    }
    const { partition, sticky } = this.partitioner.choose({ topic, numPartitions, keyBytes: r.key, partition: r.partition });
    const { closed, full } = this.accumulator.append(topic, partition, input, now, waiter, size);
    if (sticky) this.partitioner.recordAppended(topic, size, numPartitions, full);
    if (closed) this.dispatch(closed);
    return partition;
  }

  get transactionalId(): string | undefined {
    return this.config["transactional.id"] ?? undefined;
  }

  /** initTransactions(): get this transactional.id's producer id with a new epoch, fencing older instances. */
  async initTransactions(): Promise<void> {
    const id = this.requireTransactional("initTransactions");
    this.identity = this.transport.initProducerId({ transactionalId: id, transactionTimeoutMs: this.config["transaction.timeout.ms"] });
    await this.identity;
    this.sequences.clear();
  }

  beginTransaction(): void {
    const id = this.requireTransactional("beginTransaction");
    if (!this.identity) throw new KafkaError("ILLEGAL_STATE", `producer "${id}": call initTransactions before beginTransaction`);
    if (this.inTransaction) throw new KafkaError("ILLEGAL_STATE", `producer "${id}": a transaction is already open`);
    this.inTransaction = true;
    this.txnPartitions.clear();
  }

  /** sendOffsetsToTransaction(): the consumer offsets commit if and only if the transaction does. */
  async sendOffsetsToTransaction(groupId: string, offsets: Record<string, number>): Promise<void> {
    const id = this.requireOpenTransaction("sendOffsetsToTransaction");
    const { producerId, producerEpoch } = await this.identity!;
    await this.txnTransport().addOffsetsToTxn(id, producerId, producerEpoch, { groupId, offsets });
  }

  async commitTransaction(): Promise<void> {
    await this.endTransaction(true);
  }

  async abortTransaction(): Promise<void> {
    await this.endTransaction(false);
  }

  private async endTransaction(commit: boolean): Promise<void> {
    const id = this.requireOpenTransaction(commit ? "commitTransaction" : "abortTransaction");
    try {
      await this.flush();
    } finally {
      const { producerId, producerEpoch } = await this.identity!;
      this.inTransaction = false;
      await this.txnTransport().endTxn(id, producerId, producerEpoch, commit && this.failure === undefined);
    }
  }

  private txnTransport(): TransactionTransport {
    const t = this.transport.transactions;
    if (!t) throw new KafkaError("ILLEGAL_STATE", "this connection to the broker does not support transactions");
    return t;
  }

  private requireTransactional(what: string): string {
    const id = this.transactionalId;
    if (!id) throw new KafkaError("ILLEGAL_STATE", `${what} needs a producer with transactional.id set`);
    return id;
  }

  private requireOpenTransaction(what: string): string {
    const id = this.requireTransactional(what);
    if (!this.inTransaction) throw new KafkaError("ILLEGAL_STATE", `producer "${id}": ${what} without an open transaction`);
    return id;
  }

  /** Send every open batch now and wait for all acknowledgements. */
  async flush(): Promise<void> {
    this.sendReady(true);
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
    if (this.failure !== undefined) {
      const f = this.failure;
      this.failure = undefined;
      throw f;
    }
  }

  private sendReady(force: boolean): void {
    const now = this.scheduler.clock.now();
    for (const batch of this.accumulator.drain(now, this.config["linger.ms"], force)) this.dispatch(batch);
    if (!this.accumulator.isEmpty && !this.lingerTimer) {
      this.lingerTimer = this.scheduler.at(now + this.config["linger.ms"], () => {
        this.lingerTimer = undefined;
        this.sendReady(false);
      });
    }
  }

  private dispatch(batch: OpenBatch): void {
    const work = this.sendBatch(batch).catch((e: unknown) => {
      for (const w of batch.waiters) w.reject(e);
      if (this.failure === undefined) this.failure = e;
    });
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  private async sendBatch(batch: OpenBatch): Promise<void> {
    const idempotent = this.config["enable.idempotence"];
    const transactionalId = this.transactionalId;
    let producerId = -1;
    let producerEpoch = -1;
    let baseSequence = -1;
    if (idempotent) {
      this.identity ??= this.transport.initProducerId({ transactionalId: null });
      ({ producerId, producerEpoch } = await this.identity);
      const key = `${batch.topic}\u0000${batch.partition}`;
      baseSequence = this.sequences.get(key) ?? 0;
      this.sequences.set(key, (baseSequence + batch.records.length) % 2147483648);
    }
    if (transactionalId) {
      const tp = `${batch.topic}-${batch.partition}`;
      if (!this.txnPartitions.has(tp)) {
        await this.txnTransport().addPartitionsToTxn(transactionalId, producerId, producerEpoch, [tp]);
        this.txnPartitions.add(tp);
      }
    }
    const bytes = encodeBatch({ records: batch.records, producerId, producerEpoch, baseSequence, transactional: transactionalId !== undefined });
    const ack = await this.transport.produce(batch.topic, batch.partition, bytes);
    const noOffsets = this.config.acks === 0;
    batch.waiters.forEach((w, i) => w.resolve(noOffsets ? -1 : ack.baseOffset + i));
  }
}
