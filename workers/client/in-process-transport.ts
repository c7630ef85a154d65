/**
 * The {@link ClientTransport} over a `Broker` in the same process: Node, tests, and (exposed
 * through Comlink) the broker worker serving clients on other threads.
 *
 * Requests reach the broker synchronously, at the moment they are made (the body of each
 * method runs up to its first await before returning), so on virtual time a heartbeat or a
 * commit lands at the instant its timer fired, in the order the client sent it.
 *
 * Fetch behaves like Kafka's delayed fetch: with nothing to return it waits, on the broker's
 * scheduler, up to maxWaitMs for data to arrive on one of the partitions it asked for.
 */
import type { Broker } from "../broker/broker";
import type { BrokerEvent } from "../broker/broker-events";
import type { JoinGroupRequest, JoinGroupResponse, LeaveGroupRequest, LeaveGroupResponse, OffsetCommitRequest, SyncGroupRequest, SyncGroupResponse, HeartbeatRequest, HeartbeatResponse } from "../groups/group-protocol";
import type { GroupDescription } from "../groups/group-coordinator";
import type { CommittedOffset } from "../groups/offset-store";
import { KafkaError } from "../protocol/errors";
import { toSeamError } from "../protocol/seam-error";
import { alterTopicConfig, resolveTopicConfig } from "../protocol/topic-config";
import { isInternalTopic, validateNewTopicName } from "../protocol/topic-name";
import type {
  AddOffsetsToTxnRequest,
  AddPartitionsToTxnRequest,
  AlterTopicConfigsRequest,
  ClientTransport,
  CreatePartitionsRequest,
  CreateTopicsRequest,
  DeleteRecordsRequest,
  DeleteRecordsResponse,
  EndTxnRequest,
  FetchOffsetsRequest,
  FetchPartitionResponse,
  FetchRequest,
  FetchResponse,
  GroupOverview,
  GroupResult,
  InitProducerIdRequest,
  ListOffsetsRequest,
  ListOffsetsResponse,
  MetadataRequest,
  MetadataResponse,
  ProduceRequest,
  ProduceResponse,
  ProducerIdentity,
  TopicConfigsResult,
  TopicMetadata,
  TopicResult,
} from "./client-transport";

/**
 * Parked fetches to wake when a transaction ends (its markers move the last stable offset),
 * per broker and shared by every transport on it: the producer that commits may use another.
 */
const PARKED = new WeakMap<Broker, Set<() => void>>();

function parkedOn(broker: Broker): Set<() => void> {
  let set = PARKED.get(broker);
  if (!set) PARKED.set(broker, (set = new Set()));
  return set;
}

/** A broker, or a way to find the current one (an engine restart replaces it). */
export type BrokerSource = Broker | (() => Broker);

export class InProcessTransport implements ClientTransport {
  private readonly source: () => Broker;
  /** Work in progress that is not waiting for other clients or for time (see idle()). */
  private readonly active = new Set<Promise<unknown>>();
  private calls = 0;

  constructor(broker: BrokerSource) {
    this.source = typeof broker === "function" ? broker : () => broker;
  }

  get broker(): Broker {
    return this.source();
  }

  /** Grows with every request and every wake-up of a parked fetch. */
  get activity(): number {
    return this.calls;
  }

  /**
   * Resolves when no request is reading or writing any more (parked fetches and parked
   * group requests excepted: they wait for time or for other clients) and the broker's own
   * background work is done.
   */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active]);
    await this.broker.idle();
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.active.add(work);
    void work.then(
      () => this.active.delete(work),
      () => this.active.delete(work),
    );
    return work;
  }

  /** Runs `op` now (so it reaches the broker at once) and tracks what it leaves pending. */
  private call<T>(op: (broker: Broker) => T | Promise<T>): Promise<T> {
    this.calls++;
    try {
      return this.track(Promise.resolve(op(this.broker)));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  // ---- metadata ----

  metadata(request: MetadataRequest): Promise<MetadataResponse> {
    return this.call(async (broker) => {
      const names = request.topics ?? broker.listTopics();
      const topics: TopicMetadata[] = [];
      for (const name of names) {
        if (!broker.hasTopic(name) && request.allowAutoTopicCreation && broker.config.autoCreateTopicsEnable) {
          try {
            await broker.createTopic({ name });
          } catch (e) {
            // Another client may have created it in the meantime; anything else is this topic's error.
            if (!(e instanceof KafkaError && e.type === "TOPIC_ALREADY_EXISTS")) {
              topics.push({ name, error: toSeamError(e), internal: false, partitions: 0 });
              continue;
            }
          }
        }
        if (!broker.hasTopic(name)) {
          const why = request.allowAutoTopicCreation
            ? "and the broker does not create topics automatically (auto.create.topics.enable=false)"
            : "and the client does not create topics automatically (allowAutoTopicCreation is false)";
          topics.push({
            name,
            error: new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${name}" does not exist ${why}`).toJSON(),
            internal: false,
            partitions: 0,
          });
          continue;
        }
        topics.push({ name, error: null, internal: isInternalTopic(name), partitions: broker.partitionCount(name) });
      }
      return { brokerId: 0, topics };
    });
  }

  // ---- produce, fetch, offsets ----

  produce(request: ProduceRequest): Promise<ProduceResponse> {
    return this.call(async (broker) => {
      const r = await broker.produce(request.topic, request.partition, request.records);
      return { baseOffset: r.baseOffset, lastOffset: r.lastOffset, logAppendTime: r.logAppendTime, logStartOffset: r.logStartOffset };
    });
  }

  fetch(request: FetchRequest): Promise<FetchResponse> {
    this.calls++;
    return this.delayedFetch(request);
  }

  private async delayedFetch(request: FetchRequest): Promise<FetchResponse> {
    const broker = this.broker;
    const wanted = new Set(request.partitions.map((p) => `${p.topic}\u0000${p.partition}`));
    const deadline = broker.scheduler.clock.now() + Math.max(0, request.maxWaitMs);
    // Appends seen while a read was under way: read again instead of waiting.
    const seen = { arrived: false };
    let wake: (() => void) | undefined;
    const onEvent = (e: BrokerEvent) => {
      if (e.type === "records-appended" && wanted.has(`${e.topic}\u0000${e.partition}`)) {
        seen.arrived = true;
        wake?.();
      }
    };
    const unsubscribe = broker.subscribe(onEvent);
    try {
      for (;;) {
        seen.arrived = false;
        const response = await this.track(this.readPartitions(broker, request));
        const bytes = response.partitions.reduce((n, p) => n + p.records.length, 0);
        const failed = response.partitions.some((p) => p.error !== null);
        if (failed || bytes >= request.minBytes || broker.scheduler.clock.now() >= deadline) return response;
        if (!seen.arrived) {
          await new Promise<void>((resolve) => {
            const done = () => {
              cancel();
              parkedOn(broker).delete(done);
              wake = undefined;
              this.calls++;
              resolve();
            };
            const cancel = broker.scheduler.at(deadline, done);
            wake = done;
            parkedOn(broker).add(done);
          });
        }
      }
    } finally {
      unsubscribe();
    }
  }

  private async readPartitions(broker: Broker, request: FetchRequest): Promise<FetchResponse> {
    const out: FetchPartitionResponse[] = [];
    let used = 0;
    for (const p of request.partitions) {
      const base = { topic: p.topic, partition: p.partition, fetchOffset: p.fetchOffset };
      try {
        const partition = broker.partition(p.topic, p.partition);
        const budget = used === 0 ? p.maxBytes : Math.min(p.maxBytes, request.maxBytes - used);
        if (budget <= 0) {
          // fetch.max.bytes is spent: the partition answers with its offsets and no records.
          out.push({
            ...base,
            error: null,
            highWatermark: partition.highWatermark,
            lastStableOffset: partition.lastStableOffset,
            logStartOffset: partition.logStartOffset,
            records: new Uint8Array(0),
            nextOffset: p.fetchOffset,
            abortedTransactions: [],
          });
          continue;
        }
        const data = await broker.fetch(p.topic, p.partition, p.fetchOffset, budget, request.isolationLevel);
        used += data.bytes.length;
        out.push({
          ...base,
          error: null,
          highWatermark: data.highWatermark,
          lastStableOffset: data.lastStableOffset,
          logStartOffset: data.logStartOffset,
          records: compact(data.bytes),
          nextOffset: data.nextOffset,
          abortedTransactions: data.abortedTransactions.map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset })),
        });
      } catch (e) {
        const offsets = partitionOffsets(broker, p.topic, p.partition);
        out.push({ ...base, error: toSeamError(e), ...offsets, records: new Uint8Array(0), nextOffset: p.fetchOffset, abortedTransactions: [] });
      }
    }
    return { partitions: out };
  }

  listOffsets(request: ListOffsetsRequest): Promise<ListOffsetsResponse> {
    return this.call(async (broker) => {
      const partitions = [];
      for (const p of request.partitions) {
        const spec = typeof p.spec === "string" ? p.spec : { timestamp: p.spec.timestamp };
        const found = await broker.listOffset(p.topic, p.partition, spec, request.isolationLevel);
        partitions.push({ topic: p.topic, partition: p.partition, offset: found.offset, timestamp: found.timestamp });
      }
      return { partitions };
    });
  }

  // ---- producer ids and transactions ----

  initProducerId(request: InitProducerIdRequest): Promise<ProducerIdentity> {
    return this.call(async (broker) => {
      const r = await broker.initProducerId({
        transactionalId: request.transactionalId ?? null,
        ...(request.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: request.transactionTimeoutMs }),
      });
      return { producerId: r.producerId, producerEpoch: r.producerEpoch };
    });
  }

  addPartitionsToTxn(request: AddPartitionsToTxnRequest): Promise<void> {
    return this.call((broker) => broker.addPartitionsToTxn(request.transactionalId, request.producerId, request.producerEpoch, [...request.partitions]));
  }

  addOffsetsToTxn(request: AddOffsetsToTxnRequest): Promise<void> {
    return this.call((broker) =>
      broker.addOffsetsToTxn(request.transactionalId, request.producerId, request.producerEpoch, {
        groupId: request.groupId,
        offsets: { ...request.offsets },
      }),
    );
  }

  endTxn(request: EndTxnRequest): Promise<void> {
    return this.call(async (broker) => {
      await broker.endTxn(request.transactionalId, request.producerId, request.producerEpoch, request.commit);
      // The markers moved the last stable offset: read_committed fetches may have data now.
      for (const wake of [...parkedOn(broker)]) wake();
    });
  }

  // ---- admin ----

  createTopics(request: CreateTopicsRequest): Promise<readonly TopicResult[]> {
    return this.call(async (broker) => {
      const out: TopicResult[] = [];
      for (const t of request.topics) {
        try {
          if (request.validateOnly) validateNewTopic(broker, t.name, t.partitions, t.replicationFactor, t.config ?? {});
          else {
            await broker.createTopic({
              name: t.name,
              ...(t.partitions === undefined ? {} : { partitions: t.partitions }),
              ...(t.replicationFactor === undefined ? {} : { replicationFactor: t.replicationFactor }),
              ...(t.config === undefined ? {} : { config: t.config }),
            });
          }
          out.push({ name: t.name, error: null });
        } catch (e) {
          out.push({ name: t.name, error: toSeamError(e) });
        }
      }
      return out;
    });
  }

  deleteTopics(request: { readonly topics: readonly string[] }): Promise<readonly TopicResult[]> {
    return this.call(async (broker) => {
      const out: TopicResult[] = [];
      for (const name of request.topics) {
        try {
          await broker.deleteTopic(name);
          out.push({ name, error: null });
        } catch (e) {
          out.push({ name, error: toSeamError(e) });
        }
      }
      return out;
    });
  }

  createPartitions(request: CreatePartitionsRequest): Promise<readonly TopicResult[]> {
    return this.call(async (broker) => {
      const out: TopicResult[] = [];
      for (const t of request.topics) {
        try {
          if (request.validateOnly) {
            const current = broker.partitionCount(t.name);
            if (!Number.isInteger(t.count) || t.count <= current) {
              throw new KafkaError("INVALID_PARTITIONS", `topic "${t.name}" has ${current} partitions; the new count must be larger, got ${t.count}`);
            }
          } else {
            await broker.createPartitions(t.name, t.count);
          }
          out.push({ name: t.name, error: null });
        } catch (e) {
          out.push({ name: t.name, error: toSeamError(e) });
        }
      }
      return out;
    });
  }

  describeTopicConfigs(request: { readonly topics: readonly string[] }): Promise<readonly TopicConfigsResult[]> {
    return this.call((broker) =>
      request.topics.map((name): TopicConfigsResult => {
        try {
          return { name, error: null, entries: broker.describeTopic(name).config };
        } catch (e) {
          return { name, error: toSeamError(e), entries: [] };
        }
      }),
    );
  }

  alterTopicConfigs(request: AlterTopicConfigsRequest): Promise<readonly TopicResult[]> {
    return this.call(async (broker) => {
      const out: TopicResult[] = [];
      for (const t of request.topics) {
        try {
          if (request.validateOnly) alterTopicConfig(t.name, broker.topicConfig(t.name), t.set, t.reset);
          else await broker.alterTopicConfig(t.name, t.set, t.reset);
          out.push({ name: t.name, error: null });
        } catch (e) {
          out.push({ name: t.name, error: toSeamError(e) });
        }
      }
      return out;
    });
  }

  deleteRecords(request: DeleteRecordsRequest): Promise<DeleteRecordsResponse> {
    return this.call(async (broker) => {
      const partitions = [];
      for (const p of request.partitions) {
        try {
          const before = p.offset === -1 ? broker.partition(p.topic, p.partition).highWatermark : p.offset;
          const lowWatermark = await broker.deleteRecords(p.topic, p.partition, before);
          partitions.push({ topic: p.topic, partition: p.partition, lowWatermark, error: null });
        } catch (e) {
          partitions.push({ topic: p.topic, partition: p.partition, lowWatermark: -1, error: toSeamError(e) });
        }
      }
      return { partitions };
    });
  }

  // ---- groups ----

  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    this.calls++;
    return new Promise((resolve, reject) => {
      try {
        this.broker.groups.joinGroup(request, resolve);
      } catch (e) {
        reject(e);
      }
    });
  }

  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    this.calls++;
    return new Promise((resolve, reject) => {
      try {
        this.broker.groups.syncGroup(request, resolve);
      } catch (e) {
        reject(e);
      }
    });
  }

  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    return this.call((broker) => broker.groups.heartbeat(request));
  }

  leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    return this.call((broker) => broker.groups.leaveGroup(request));
  }

  commitOffsets(request: OffsetCommitRequest): Promise<void> {
    return this.call((broker) => broker.groups.commitOffsets(request));
  }

  fetchOffsets(request: FetchOffsetsRequest): Promise<Record<string, CommittedOffset>> {
    return this.call(async (broker) => {
      // Commits the coordinator accepted are readable once their records are in the offsets topic.
      await broker.offsetCommitsSettled();
      return broker.groups.fetchOffsets(request.groupId, request.partitions);
    });
  }

  describeGroups(request: { readonly groupIds: readonly string[] }): Promise<readonly GroupDescription[]> {
    return this.call((broker) => {
      const known = new Map(broker.listGroups().map((g) => [g.groupId, g]));
      return request.groupIds.map((groupId) => {
        const description = broker.groups.describeGroup(groupId);
        // A group known only by its committed offsets (after a restart) is Empty, as Kafka loads it.
        if (description.state === "Dead" && known.has(groupId)) return { ...description, state: "Empty" as const };
        return description;
      });
    });
  }

  listGroups(): Promise<readonly GroupOverview[]> {
    return this.call((broker) => broker.listGroups().map((g) => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType })));
  }

  deleteGroups(request: { readonly groupIds: readonly string[] }): Promise<readonly GroupResult[]> {
    return this.call(async (broker) => {
      const out: GroupResult[] = [];
      for (const groupId of request.groupIds) {
        try {
          await broker.deleteGroup(groupId);
          out.push({ groupId, error: null });
        } catch (e) {
          out.push({ groupId, error: toSeamError(e) });
        }
      }
      return out;
    });
  }
}

/** A fetch answer that owns its buffer, so a structured clone copies only these bytes. */
function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

function partitionOffsets(broker: Broker, topic: string, partition: number): { highWatermark: number; lastStableOffset: number; logStartOffset: number } {
  try {
    const p = broker.partition(topic, partition);
    return { highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, logStartOffset: p.logStartOffset };
  } catch {
    return { highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 };
  }
}

/** CreateTopics with validateOnly: the broker's checks, without creating anything. */
function validateNewTopic(broker: Broker, name: string, partitions: number | undefined, replicationFactor: number | undefined, config: Readonly<Record<string, string | number | boolean>>): void {
  validateNewTopicName(name, broker.listTopics());
  if (broker.hasTopic(name)) throw new KafkaError("TOPIC_ALREADY_EXISTS", `topic "${name}" already exists`);
  const count = partitions ?? broker.config.numPartitions;
  if (!Number.isInteger(count) || count < 1) {
    throw new KafkaError("INVALID_PARTITIONS", `topic "${name}": number of partitions must be an integer ≥ 1, got ${count}`);
  }
  const rf = replicationFactor ?? 1;
  if (!Number.isInteger(rf) || rf < 1) {
    throw new KafkaError("INVALID_REPLICATION_FACTOR", `topic "${name}": replication factor must be an integer ≥ 1, got ${rf}`);
  }
  if (rf > 1) {
    throw new KafkaError("INVALID_REPLICATION_FACTOR", `topic "${name}": replication factor ${rf} is larger than the number of available brokers (1)`);
  }
  resolveTopicConfig(name, config);
}
