/**
 * KafkaJS's admin client over a {@link ClientTransport}: topics, partitions, configs,
 * offsets, consumer groups — with KafkaJS's request and answer shapes (offsets as strings).
 *
 * Where KafkaJS and Kafka's own tools differ, this follows Kafka's tools and says so:
 * `resetOffsets` commits the actual earliest or latest offsets (KafkaJS commits the -2/-1
 * sentinels for a consumer to resolve later), so `fetchOffsets` shows real offsets at once
 * and `resolveOffsets` has nothing left to resolve.
 */
import { KafkaError } from "../protocol/errors";
import { fromSeamError } from "../protocol/seam-error";
import type { ClientRuntime } from "./client-runtime";
import type { ItemError, TopicMetadata } from "./client-transport";
import type { GroupDescription } from "./consumer-api";
import { toKafkaJsGroup } from "./kafkajs-group";
import { Instrumentation, eventNames, type InstrumentationEvent, type RemoveInstrumentationEventListener } from "./instrumentation";
import { parseOffset } from "./producer";

export const ADMIN_EVENTS = {
  CONNECT: "admin.connect",
  DISCONNECT: "admin.disconnect",
  REQUEST: "admin.network.request",
  REQUEST_TIMEOUT: "admin.network.request_timeout",
  REQUEST_QUEUE_SIZE: "admin.network.request_queue_size",
} as const;

export type AdminEvents = typeof ADMIN_EVENTS;

/** KafkaJS's ConfigResourceTypes (Kafka's resource type codes). */
export const ConfigResourceTypes = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;

/** KafkaJS's ConfigSource (Kafka's DescribeConfigs source codes). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export interface IResourceConfigEntry {
  name: string;
  value: string;
}

export interface ITopicConfig {
  topic: string;
  /** Default: the broker's num.partitions (-1 means the same). */
  numPartitions?: number;
  replicationFactor?: number;
  configEntries?: IResourceConfigEntry[];
}

export interface PartitionMetadata {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface ITopicMetadata {
  name: string;
  partitions: PartitionMetadata[];
}

export interface SeekEntry {
  partition: number;
  offset: string;
}

export interface ResourceConfigQuery {
  type: number;
  name: string;
  configNames?: string[];
}

export interface ConfigEntries {
  configName: string;
  configValue: string | null;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  readOnly: boolean;
  configSynonyms: { configName: string; configValue: string | null; configSource: number }[];
}

export interface DescribeConfigResponse {
  resources: {
    configEntries: ConfigEntries[];
    errorCode: number;
    errorMessage: string | null;
    resourceName: string;
    resourceType: number;
  }[];
  throttleTime: number;
}

export interface IResourceConfig {
  type: number;
  name: string;
  configEntries: IResourceConfigEntry[];
}

export interface AlterConfigsResponse {
  resources: { errorCode: number; errorMessage: string | null; resourceName: string; resourceType: number }[];
  throttleTime: number;
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  /** Not in KafkaJS's answer: the group's state (Empty, Stable, …). */
  state: string;
}

export interface FetchOffsetsPartition {
  partition: number;
  offset: string;
  metadata: string | null;
}

/** A per-group failure of deleteGroups, as KafkaJS reports them on its error's `groups`. */
export interface DeleteGroupsResult {
  groupId: string;
  errorCode: number;
  error?: KafkaError;
}

export class Admin {
  readonly events: AdminEvents = ADMIN_EVENTS;
  private readonly instrumentation: Instrumentation;

  constructor(private readonly runtime: ClientRuntime) {
    this.instrumentation = new Instrumentation(runtime.scheduler.clock, eventNames(ADMIN_EVENTS), "admin");
  }

  async connect(): Promise<void> {
    this.instrumentation.emit(ADMIN_EVENTS.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    this.instrumentation.emit(ADMIN_EVENTS.DISCONNECT, null);
  }

  on(eventName: string, listener: (event: InstrumentationEvent<unknown>) => void): RemoveInstrumentationEventListener {
    return this.instrumentation.on(eventName, listener);
  }

  // ---- topics ----

  /** Every topic, the internal `__consumer_offsets` included (as KafkaJS lists metadata). */
  async listTopics(): Promise<string[]> {
    const response = await this.t.metadata({});
    return response.topics.map((t) => t.name);
  }

  /** True when every topic was created, false when the only problem was that some already existed. */
  async createTopics(options: { topics: ITopicConfig[]; validateOnly?: boolean; waitForLeaders?: boolean; timeout?: number }): Promise<boolean> {
    if (!Array.isArray(options.topics) || options.topics.length === 0) throw new KafkaError("INVALID_REQUEST", "createTopics needs a non-empty topics array");
    const results = await this.t.createTopics({
      validateOnly: options.validateOnly ?? false,
      topics: options.topics.map((t) => ({
        name: t.topic,
        ...(t.numPartitions === undefined || t.numPartitions === -1 ? {} : { partitions: t.numPartitions }),
        ...(t.replicationFactor === undefined || t.replicationFactor === -1 ? {} : { replicationFactor: t.replicationFactor }),
        ...(t.configEntries === undefined ? {} : { config: Object.fromEntries(t.configEntries.map((e) => [e.name, e.value])) }),
      })),
    });
    const errors = results.filter((r) => r.error !== null).map((r) => r.error!);
    if (errors.length === 0) return true;
    const other = errors.find((e) => e.type !== "TOPIC_ALREADY_EXISTS");
    if (other) throw fromSeamError(other);
    return false;
  }

  async deleteTopics(options: { topics: string[]; timeout?: number }): Promise<void> {
    const results = await this.t.deleteTopics({ topics: options.topics });
    throwFirst(results.map((r) => r.error));
  }

  /** Grow topics to `count` partitions each. */
  async createPartitions(options: { topicPartitions: { topic: string; count: number }[]; validateOnly?: boolean; timeout?: number }): Promise<boolean> {
    const results = await this.t.createPartitions({
      validateOnly: options.validateOnly ?? false,
      topics: options.topicPartitions.map((t) => ({ name: t.topic, count: t.count })),
    });
    throwFirst(results.map((r) => r.error));
    return true;
  }

  /** Metadata of the topics named (all without `topics`); a topic that does not exist is an error. */
  async fetchTopicMetadata(options?: { topics?: string[] }): Promise<{ topics: ITopicMetadata[] }> {
    const response = await this.t.metadata(options?.topics === undefined ? {} : { topics: options.topics, allowAutoTopicCreation: false });
    throwFirst(response.topics.map((t) => t.error));
    return { topics: response.topics.map(toTopicMetadata) };
  }

  /** Per partition: `offset` and `high` are the high watermark, `low` the log start offset. */
  async fetchTopicOffsets(topic: string): Promise<Array<SeekEntry & { high: string; low: string }>> {
    const partitions = await this.partitionsOf(topic);
    const spec = (s: "earliest" | "latest") => partitions.map((partition) => ({ topic, partition, spec: s }));
    const [high, low] = await Promise.all([
      this.t.listOffsets({ isolationLevel: "read_uncommitted", partitions: spec("latest") }),
      this.t.listOffsets({ isolationLevel: "read_uncommitted", partitions: spec("earliest") }),
    ]);
    return high.partitions.map((h, i) => ({ partition: h.partition, offset: String(h.offset), high: String(h.offset), low: String(low.partitions[i]!.offset) }));
  }

  /** The first offset at or after `timestamp` per partition; the high watermark where no record is that late. */
  async fetchTopicOffsetsByTimestamp(topic: string, timestamp?: number): Promise<SeekEntry[]> {
    const partitions = await this.partitionsOf(topic);
    const at = await this.t.listOffsets({
      isolationLevel: "read_uncommitted",
      partitions: partitions.map((partition) => ({ topic, partition, spec: timestamp === undefined ? ("latest" as const) : { timestamp } })),
    });
    const high = await this.t.listOffsets({ isolationLevel: "read_uncommitted", partitions: partitions.map((partition) => ({ topic, partition, spec: "latest" as const })) });
    return at.partitions.map((p, i) => ({ partition: p.partition, offset: String(p.offset >= 0 ? p.offset : high.partitions[i]!.offset) }));
  }

  async deleteTopicRecords(options: { topic: string; partitions: SeekEntry[] }): Promise<void> {
    const response = await this.t.deleteRecords({
      partitions: options.partitions.map((p) => ({ topic: options.topic, partition: p.partition, offset: parseOffset(p.offset, `${options.topic}-${p.partition}`) })),
    });
    throwFirst(response.partitions.map((p) => p.error));
  }

  async describeCluster(): Promise<{ brokers: { nodeId: number; host: string; port: number }[]; controller: number | null; clusterId: string }> {
    const response = await this.t.metadata({ topics: [] });
    return { brokers: [{ nodeId: response.brokerId, host: "streamlab", port: 9092 }], controller: response.brokerId, clusterId: "streamlab" };
  }

  // ---- configs ----

  async describeConfigs(options: { resources: ResourceConfigQuery[]; includeSynonyms?: boolean }): Promise<DescribeConfigResponse> {
    this.topicResourcesOnly(options.resources);
    const results = await this.t.describeTopicConfigs({ topics: options.resources.map((r) => r.name) });
    throwFirst(results.map((r) => r.error));
    return {
      resources: results.map((r, i) => {
        const wanted = options.resources[i]!.configNames;
        const entries = wanted === undefined || wanted.length === 0 ? r.entries : r.entries.filter((e) => wanted.includes(e.name));
        return {
          configEntries: entries.map((e) => ({
            configName: e.name,
            configValue: e.value,
            isDefault: e.isDefault,
            configSource: e.isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.TOPIC_CONFIG,
            isSensitive: false,
            readOnly: false,
            configSynonyms: [],
          })),
          errorCode: 0,
          errorMessage: null,
          resourceName: r.name,
          resourceType: ConfigResourceTypes.TOPIC,
        };
      }),
      throttleTime: 0,
    };
  }

  /**
   * KafkaJS's alterConfigs is Kafka's (non-incremental) AlterConfigs: the entries given become
   * the topic's whole set of overrides, and every key not given goes back to its default.
   */
  async alterConfigs(options: { resources: IResourceConfig[]; validateOnly?: boolean }): Promise<AlterConfigsResponse> {
    this.topicResourcesOnly(options.resources);
    const current = await this.t.describeTopicConfigs({ topics: options.resources.map((r) => r.name) });
    throwFirst(current.map((r) => r.error));
    const topics = options.resources.map((r, i) => {
      const set = Object.fromEntries(r.configEntries.map((e) => [e.name, e.value]));
      const reset = current[i]!.entries.filter((e) => !e.isDefault && !Object.hasOwn(set, e.name)).map((e) => e.name);
      return { name: r.name, set, reset };
    });
    const results = await this.t.alterTopicConfigs({ topics, validateOnly: options.validateOnly ?? false });
    throwFirst(results.map((r) => r.error));
    return {
      resources: results.map((r) => ({ errorCode: 0, errorMessage: null, resourceName: r.name, resourceType: ConfigResourceTypes.TOPIC })),
      throttleTime: 0,
    };
  }

  // ---- groups ----

  async listGroups(): Promise<{ groups: GroupOverview[] }> {
    const groups = await this.t.listGroups();
    return { groups: groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? "", state: g.state })) };
  }

  async describeGroups(groupIds: string[]): Promise<{ groups: GroupDescription[] }> {
    const groups = await this.t.describeGroups({ groupIds });
    return { groups: groups.map(toKafkaJsGroup) };
  }

  /** Only groups without members can be deleted (NON_EMPTY_GROUP otherwise); their committed offsets go too. */
  async deleteGroups(groupIds: string[]): Promise<DeleteGroupsResult[]> {
    const results = await this.t.deleteGroups({ groupIds });
    const failed = results.filter((r) => r.error !== null);
    if (failed.length > 0) {
      const first = failed[0]!.error!;
      const error = new KafkaError(first.type, `could not delete ${failed.map((f) => `group "${f.groupId}" (${f.error!.message})`).join(", ")}`);
      const groups: DeleteGroupsResult[] = failed.map((f) => {
        const e = fromSeamError(f.error) as KafkaError;
        return { groupId: f.groupId, errorCode: e.code, error: e };
      });
      Object.assign(error, { groups });
      throw error;
    }
    return results.map((r) => ({ groupId: r.groupId, errorCode: 0 }));
  }

  /**
   * The group's committed offsets: for the topics named, every partition ("-1" where nothing
   * is committed); without topics, every partition the group has committed.
   */
  async fetchOffsets(options: { groupId: string; topics?: string[]; resolveOffsets?: boolean }): Promise<Array<{ topic: string; partitions: FetchOffsetsPartition[] }>> {
    const { groupId } = options;
    if (typeof groupId !== "string" || groupId === "") throw new KafkaError("INVALID_GROUP_ID", `fetchOffsets: invalid groupId ${JSON.stringify(groupId)}`);
    const topics = options.topics ?? [];
    if (topics.length === 0) {
      const all = await this.t.fetchOffsets({ groupId });
      const byTopic = new Map<string, FetchOffsetsPartition[]>();
      for (const [key, c] of Object.entries(all)) {
        const dash = key.lastIndexOf("-");
        const list = byTopic.get(key.slice(0, dash)) ?? [];
        list.push({ partition: Number(key.slice(dash + 1)), offset: String(c.offset), metadata: c.metadata || null });
        byTopic.set(key.slice(0, dash), list);
      }
      return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a.partition - b.partition) }));
    }
    const out = [];
    for (const topic of topics) {
      const partitions = await this.partitionsOf(topic);
      const keys = partitions.map((p) => `${topic}-${p}`);
      const found = await this.t.fetchOffsets({ groupId, partitions: keys });
      out.push({
        topic,
        partitions: partitions.map((partition, i) => {
          const c = found[keys[i]!];
          return { partition, offset: String(c?.offset ?? -1), metadata: c?.metadata || null };
        }),
      });
    }
    return out;
  }

  /** Commit the log start (earliest) or the high watermark (latest, the default) of every partition of `topic`. */
  async resetOffsets(options: { groupId: string; topic: string; earliest?: boolean }): Promise<void> {
    const partitions = await this.partitionsOf(options.topic);
    const found = await this.t.listOffsets({
      isolationLevel: "read_uncommitted",
      partitions: partitions.map((partition) => ({ topic: options.topic, partition, spec: options.earliest ? ("earliest" as const) : ("latest" as const) })),
    });
    await this.setOffsets({ groupId: options.groupId, topic: options.topic, partitions: found.partitions.map((p) => ({ partition: p.partition, offset: String(p.offset) })) });
  }

  /**
   * Commit offsets for a group that has no running members. An offset past a partition's log
   * end is refused with OFFSET_OUT_OF_RANGE naming the group, partition, offset and log end.
   */
  async setOffsets(options: { groupId: string; topic: string; partitions: SeekEntry[] }): Promise<void> {
    const { groupId, topic } = options;
    const [group] = await this.t.describeGroups({ groupIds: [groupId] });
    if (group && group.members.length > 0) {
      throw new KafkaError(
        "UNKNOWN_MEMBER_ID",
        `cannot set offsets of group "${groupId}": it has ${group.members.length} active member${group.members.length === 1 ? "" : "s"} (state ${group.state}); stop its consumers first`,
      );
    }
    const count = (await this.partitionsOf(topic)).length;
    const offsets: Record<string, { offset: number }> = {};
    const requested = options.partitions.map((p) => ({ partition: p.partition, offset: parseOffset(p.offset, `${topic}-${p.partition}`) }));
    for (const p of requested) {
      if (!Number.isInteger(p.partition) || p.partition < 0 || p.partition >= count) {
        throw new KafkaError("UNKNOWN_TOPIC_OR_PARTITION", `topic "${topic}" has ${count} partitions (0–${count - 1}), no partition ${p.partition}`);
      }
      if (p.offset < 0) throw new KafkaError("INVALID_REQUEST", `group "${groupId}": offset for ${topic}-${p.partition} must be ≥ 0, got ${p.offset}`);
    }
    const ends = await this.t.listOffsets({ isolationLevel: "read_uncommitted", partitions: requested.map((p) => ({ topic, partition: p.partition, spec: "latest" as const })) });
    requested.forEach((p, i) => {
      const end = ends.partitions[i]!.offset;
      if (p.offset > end) {
        throw new KafkaError(
          "OFFSET_OUT_OF_RANGE",
          `group "${groupId}": offset ${p.offset} for partition ${topic}-${p.partition} is beyond its log end offset ${end}; ` +
            `a committed offset is the next record to read, so at most ${end}`,
        );
      }
      offsets[`${topic}-${p.partition}`] = { offset: p.offset };
    });
    await this.t.commitOffsets({ groupId, memberId: "", generationId: -1, offsets });
  }

  // ---- internals ----

  private get t() {
    return this.runtime.transport;
  }

  private async partitionsOf(topic: string): Promise<number[]> {
    if (typeof topic !== "string" || topic === "") throw new KafkaError("INVALID_TOPIC_EXCEPTION", `invalid topic ${JSON.stringify(topic)}`);
    const response = await this.t.metadata({ topics: [topic], allowAutoTopicCreation: false });
    const entry = response.topics[0]!;
    if (entry.error) throw fromSeamError(entry.error);
    return Array.from({ length: entry.partitions }, (_, i) => i);
  }

  private topicResourcesOnly(resources: readonly { type: number; name: string }[]): void {
    const other = resources.find((r) => r.type !== ConfigResourceTypes.TOPIC);
    if (other) {
      throw new KafkaError("INVALID_REQUEST", `config resource "${other.name}" of type ${other.type}: only topic configs (ConfigResourceTypes.TOPIC = 2) can be described or altered`);
    }
  }
}

function toTopicMetadata(t: TopicMetadata): ITopicMetadata {
  return {
    name: t.name,
    partitions: Array.from({ length: t.partitions }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      offlineReplicas: [],
    })),
  };
}

function throwFirst(errors: readonly (ItemError | null)[]): void {
  const first = errors.find((e) => e !== null);
  if (first) throw fromSeamError(first);
}
