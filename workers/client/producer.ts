/**
 * KafkaJS's producer over a {@link ClientTransport}: `send`, `sendBatch`, `transaction()`,
 * with `RecordMetadata` answers shaped as KafkaJS's (one entry per partition written, offsets
 * as strings). Batching, idempotent sequence numbers and transactions are `ProducerCore`'s;
 * this layer turns KafkaJS's messages into records and acknowledgements into metadata.
 *
 * As in KafkaJS, a producer with a transactionalId sends plain `send()`s outside any
 * transaction (idempotently), and only what goes through a `Transaction` is transactional.
 */
import { ProducerCore, type OutgoingRecord, type ProduceTransport } from "./producer-core";
import { KafkaError } from "../protocol/errors";
import { fromSeamError } from "../protocol/seam-error";
import type { ProducerConfig as KafkaProducerConfig } from "../protocol/client-config";
import type { ClientRuntime } from "./client-runtime";
import { Instrumentation, eventNames, type InstrumentationEvent, type RemoveInstrumentationEventListener } from "./instrumentation";
import { resolveKafkaJsProducer, type ProducerConfig } from "./kafkajs-config";
import { encodeHeaders, toBytes, type MessageData, type OutgoingHeaders } from "./message-bytes";

export interface Message {
  key?: MessageData;
  value: MessageData;
  partition?: number;
  headers?: OutgoingHeaders;
  /** Milliseconds since the epoch, as a string (KafkaJS) or a number; default: the engine clock's now. */
  timestamp?: string | number;
}

export interface ProducerRecord {
  topic: string;
  messages: Message[];
  /** -1 (all, the default), 1, or 0: 0 answers with no metadata, as KafkaJS does. */
  acks?: number;
  timeout?: number;
  compression?: number;
}

export interface TopicMessages {
  topic: string;
  messages: Message[];
}

export interface ProducerBatch {
  acks?: number;
  timeout?: number;
  compression?: number;
  topicMessages?: TopicMessages[];
}

/** What KafkaJS answers per partition written. */
export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  /** Offset of the first record this call wrote to the partition. */
  baseOffset: string;
  /** "-1" unless the topic uses LogAppendTime. */
  logAppendTime: string;
  logStartOffset: string;
}

export interface TopicOffsets {
  topic: string;
  partitions: { partition: number; offset: string }[];
}

export const PRODUCER_EVENTS = {
  CONNECT: "producer.connect",
  DISCONNECT: "producer.disconnect",
  REQUEST: "producer.network.request",
  REQUEST_TIMEOUT: "producer.network.request_timeout",
  REQUEST_QUEUE_SIZE: "producer.network.request_queue_size",
} as const;

export type ProducerEvents = typeof PRODUCER_EVENTS;

interface Ack {
  logAppendTime: number;
  logStartOffset: number;
}

export class Producer {
  readonly events: ProducerEvents = PRODUCER_EVENTS;
  private readonly instrumentation: Instrumentation;
  private readonly resolved: ReturnType<typeof resolveKafkaJsProducer>;
  private readonly plain: ProducerCore;
  private transactional: ProducerCore | undefined;
  private transactionsInitialized: Promise<void> | undefined;
  private activeTransaction: Transaction | undefined;
  private connected = false;
  /** Acknowledgement details by partition and base offset, until send() picks them up. */
  private readonly acks = new Map<string, Ack>();
  private readonly partitionCounts = new Map<string, { count: number; at: number }>();

  constructor(
    private readonly runtime: ClientRuntime,
    private readonly options: ProducerConfig = {},
  ) {
    this.resolved = resolveKafkaJsProducer(runtime.clientId, options);
    this.instrumentation = new Instrumentation(runtime.scheduler.clock, eventNames(PRODUCER_EVENTS), "producer");
    const plainConfig: KafkaProducerConfig = { ...this.resolved.kafka, "transactional.id": null };
    this.plain = new ProducerCore(this.produceTransport(), runtime.scheduler, runtime.random, plainConfig);
  }

  async connect(): Promise<void> {
    this.connected = true;
    this.instrumentation.emit(PRODUCER_EVENTS.CONNECT, null);
  }

  /** Sends whatever is still buffered, then disconnects. An open transaction stays open (and times out), as in Kafka. */
  async disconnect(): Promise<void> {
    if (!this.connected) return;
    // Failures were already reported to the send() that suffered them.
    await this.plain.flush().catch(() => undefined);
    this.connected = false;
    this.instrumentation.emit(PRODUCER_EVENTS.DISCONNECT, null);
  }

  isIdempotent(): boolean {
    return this.resolved.idempotent;
  }

  on(eventName: string, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener {
    return this.instrumentation.on(eventName, listener);
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.runtime.track(this.sendWith(this.plain, [record], record.acks));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    const records = (batch.topicMessages ?? []).map((t) => ({ topic: t.topic, messages: t.messages }));
    return this.runtime.track(this.sendWith(this.plain, records, batch.acks));
  }

  /** Begin a transaction; only one may be open at a time. Needs a transactionalId. */
  async transaction(): Promise<Transaction> {
    this.assertConnected();
    const id = this.options.transactionalId;
    if (id === undefined) throw new KafkaError("ILLEGAL_STATE", "producer.transaction() needs a producer created with a transactionalId");
    if (this.activeTransaction?.isActive()) {
      throw new KafkaError("ILLEGAL_STATE", `producer "${id}": there is already an ongoing transaction; commit or abort it before beginning another`);
    }
    const core = (this.transactional ??= new ProducerCore(this.produceTransport(), this.runtime.scheduler, this.runtime.random, this.resolved.kafka));
    this.transactionsInitialized ??= core.initTransactions();
    try {
      await this.runtime.track(this.transactionsInitialized);
    } catch (e) {
      this.transactionsInitialized = undefined;
      throw e;
    }
    core.beginTransaction();
    const transaction = new Transaction(core, id, (records, acks) => this.runtime.track(this.sendWith(core, records, acks)), (p) => this.runtime.track(p));
    this.activeTransaction = transaction;
    return transaction;
  }

  private assertConnected(): void {
    if (!this.connected) throw new KafkaError("ILLEGAL_STATE", "the producer is disconnected: call producer.connect() first");
  }

  private async sendWith(core: ProducerCore, records: readonly { topic: string; messages: Message[] }[], acks = -1): Promise<RecordMetadata[]> {
    this.assertConnected();
    if (acks !== -1 && acks !== 0 && acks !== 1) {
      throw new KafkaError("INVALID_REQUIRED_ACKS", `acks must be -1 (all), 0 or 1, got ${acks}`);
    }
    if (this.resolved.idempotent && acks !== -1) {
      throw new KafkaError("INVALID_REQUIRED_ACKS", `the idempotent producer needs acks=-1 (all), got ${acks}: fewer acknowledgements would break its exactly-once guarantee`);
    }
    const perRecord: Promise<{ topic: string; partition: number; offset: number }>[] = [];
    try {
      for (const { topic, messages } of records) {
        if (typeof topic !== "string" || topic === "") throw new KafkaError("INVALID_TOPIC_EXCEPTION", `invalid topic ${JSON.stringify(topic)}`);
        if (!Array.isArray(messages)) throw new KafkaError("INVALID_REQUEST", `topic "${topic}": messages must be an array`);
        const outgoing = messages.map((m) => toRecord(topic, m));
        const acksFor = await core.send(topic, outgoing);
        perRecord.push(...acksFor);
      }
    } catch (e) {
      // Records of earlier topics are on their way; their outcome is this call's error now.
      void Promise.allSettled(perRecord);
      throw e;
    }
    const settled = await Promise.allSettled(perRecord);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
    if (acks === 0) return [];
    const first = new Map<string, RecordMetadata>();
    for (const s of settled as PromiseFulfilledResult<{ topic: string; partition: number; offset: number }>[]) {
      const { topic, partition, offset } = s.value;
      const key = `${topic}\u0000${partition}`;
      const known = first.get(key);
      if (known && Number(known.baseOffset) <= offset) continue;
      const ack = this.acks.get(`${key}\u0000${offset}`);
      first.set(key, {
        topicName: topic,
        partition,
        errorCode: 0,
        baseOffset: String(offset),
        logAppendTime: String(ack?.logAppendTime ?? -1),
        logStartOffset: String(ack?.logStartOffset ?? -1),
      });
    }
    for (const s of settled as PromiseFulfilledResult<{ topic: string; partition: number; offset: number }>[]) {
      this.acks.delete(`${s.value.topic}\u0000${s.value.partition}\u0000${s.value.offset}`);
    }
    return [...first.values()];
  }

  /** The transport as ProducerCore wants it, remembering what each acknowledgement said. */
  private produceTransport(): ProduceTransport {
    const t = this.runtime.transport;
    return {
      partitionCount: (topic) => this.partitionCount(topic),
      produce: async (topic, partition, batch) => {
        const r = await t.produce({ topic, partition, records: batch });
        this.acks.set(`${topic}\u0000${partition}\u0000${r.baseOffset}`, { logAppendTime: r.logAppendTime, logStartOffset: r.logStartOffset });
        return { baseOffset: r.baseOffset, logAppendTime: r.logAppendTime };
      },
      initProducerId: (req) => t.initProducerId(req),
      transactions: {
        addPartitionsToTxn: (transactionalId, producerId, producerEpoch, partitions) =>
          t.addPartitionsToTxn({ transactionalId, producerId, producerEpoch, partitions }),
        addOffsetsToTxn: (transactionalId, producerId, producerEpoch, commit) =>
          t.addOffsetsToTxn({ transactionalId, producerId, producerEpoch, groupId: commit.groupId, offsets: commit.offsets }),
        endTxn: (transactionalId, producerId, producerEpoch, commit) => t.endTxn({ transactionalId, producerId, producerEpoch, commit }),
      },
    };
  }

  /** Partition counts from metadata, kept for metadataMaxAge as Kafka's producer keeps them. */
  private async partitionCount(topic: string): Promise<number> {
    const now = this.runtime.scheduler.clock.now();
    const cached = this.partitionCounts.get(topic);
    if (cached && now - cached.at < (this.options.metadataMaxAge ?? 300_000)) return cached.count;
    const response = await this.runtime.transport.metadata({ topics: [topic], allowAutoTopicCreation: this.resolved.allowAutoTopicCreation });
    const entry = response.topics[0];
    if (!entry) throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `no metadata for topic "${topic}"`);
    if (entry.error) throw fromSeamError(entry.error);
    this.partitionCounts.set(topic, { count: entry.partitions, at: now });
    return entry.partitions;
  }
}

function toRecord(topic: string, m: Message): OutgoingRecord {
  if (m === null || typeof m !== "object") throw new KafkaError("INVALID_REQUEST", `topic "${topic}": a message must be an object with a value`);
  const timestamp = m.timestamp === undefined ? undefined : Number(m.timestamp);
  if (timestamp !== undefined && !Number.isSafeInteger(timestamp)) {
    throw new KafkaError("INVALID_TIMESTAMP", `topic "${topic}": timestamp must be milliseconds since the epoch, got ${JSON.stringify(m.timestamp)}`);
  }
  return {
    key: toBytes(m.key),
    value: toBytes(m.value),
    headers: encodeHeaders(m.headers),
    ...(timestamp === undefined ? {} : { timestamp }),
    ...(m.partition === undefined ? {} : { partition: m.partition }),
  };
}

/** KafkaJS's Transaction: send and sendBatch inside it, sendOffsets, then commit or abort. */
export class Transaction {
  private ended = false;

  constructor(
    private readonly core: ProducerCore,
    private readonly transactionalId: string,
    private readonly sendRecords: (records: readonly { topic: string; messages: Message[] }[], acks: number | undefined) => Promise<RecordMetadata[]>,
    private readonly track: <T>(p: Promise<T>) => Promise<T>,
  ) {}

  isActive(): boolean {
    return !this.ended;
  }

  send(record: ProducerRecord): Promise<RecordMetadata[]> {
    return this.guard(() => this.sendRecords([record], record.acks));
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.guard(() => this.sendRecords((batch.topicMessages ?? []).map((t) => ({ topic: t.topic, messages: t.messages })), batch.acks));
  }

  /** Consumer offsets (the next offsets to read) that commit if and only if the transaction does. */
  sendOffsets(offsets: { consumerGroupId: string; topics: TopicOffsets[] }): Promise<void> {
    return this.guard(async () => {
      const map: Record<string, number> = {};
      for (const t of offsets.topics) {
        for (const p of t.partitions) map[`${t.topic}-${p.partition}`] = parseOffset(p.offset, `${t.topic}-${p.partition}`);
      }
      await this.track(this.core.sendOffsetsToTransaction(offsets.consumerGroupId, map));
    });
  }

  commit(): Promise<void> {
    return this.guard(async () => {
      try {
        await this.track(this.core.commitTransaction());
      } finally {
        this.ended = true;
      }
    });
  }

  abort(): Promise<void> {
    return this.guard(async () => {
      try {
        await this.track(this.core.abortTransaction());
      } finally {
        this.ended = true;
      }
    });
  }

  private guard<T>(op: () => Promise<T>): Promise<T> {
    if (this.ended) return Promise.reject(new KafkaError("ILLEGAL_STATE", `transaction of "${this.transactionalId}" has ended: begin a new one with producer.transaction()`));
    return op();
  }
}

/** KafkaJS offsets are strings of integers; anything else is a caller's mistake worth naming. */
export function parseOffset(offset: string | number, where: string): number {
  const n = typeof offset === "number" ? offset : /^-?\d+$/.test(offset.trim()) ? Number(offset) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new KafkaError("INVALID_REQUEST", `${where}: offset must be an integer (as a string), got ${JSON.stringify(offset)}`);
  return n;
}
