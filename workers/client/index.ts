/**
 * The client API, shaped like KafkaJS: `new Kafka({ clientId, broker })`, then
 * `kafka.producer()`, `kafka.consumer({ groupId })`, `kafka.admin()`. See README.md
 * ("Client API") for an example and the differences from KafkaJS.
 */
export { Kafka, type KafkaConfig } from "./kafka";
export {
  Producer,
  Transaction,
  PRODUCER_EVENTS,
  type Message,
  type ProducerBatch,
  type ProducerEvents,
  type ProducerRecord,
  type RecordMetadata,
  type TopicMessages,
  type TopicOffsets,
} from "./producer";
export {
  Consumer,
  CONSUMER_EVENTS,
  type Batch,
  type ConsumerEvents,
  type ConsumerRunConfig,
  type ConsumerSubscribeTopics,
  type EachBatchPayload,
  type EachMessagePayload,
  type GroupDescription,
  type KafkaMessage,
  type MemberDescription,
  type OffsetsByTopicPartition,
  type TopicPartitionOffset,
  type TopicPartitionOffsetAndMetadata,
  type TopicPartitions,
} from "./consumer";
export {
  Admin,
  ADMIN_EVENTS,
  ConfigResourceTypes,
  ConfigSource,
  type AdminEvents,
  type AlterConfigsResponse,
  type ConfigEntries,
  type DeleteGroupsResult,
  type DescribeConfigResponse,
  type FetchOffsetsPartition,
  type GroupOverview,
  type IResourceConfig,
  type IResourceConfigEntry,
  type ITopicConfig,
  type ITopicMetadata,
  type PartitionMetadata,
  type ResourceConfigQuery,
  type SeekEntry,
} from "./admin";
export { PartitionAssigners, type ConsumerConfig, type ProducerConfig, type RetryOptions } from "./kafkajs-config";
export { MessageBytes, text, toBytes, type IncomingHeaders, type MessageData, type OutgoingHeaders } from "./message-bytes";
export type { InstrumentationEvent, RemoveInstrumentationEventListener } from "./instrumentation";
export type { ClientEvent, ConsumerEvent, PartitionLagView } from "./client-events";
export type { ClientTransport } from "./client-transport";
export { InProcessTransport, type BrokerSource } from "./in-process-transport";
export { seamSafeTransport, errorRebuildingTransport } from "./seam-transport";
export { VirtualTime, type Participant } from "../runtime/virtual-time";
export { FollowingScheduler } from "../runtime/following-scheduler";
export { RemoteVirtualTime, type SteppedClock } from "../runtime/remote-virtual-time";
export { servedTransport, type ServedTransport } from "./served-transport";
export { KafkaError, isKafkaError, type KafkaErrorName } from "../protocol/errors";
