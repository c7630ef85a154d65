/**
 * The stream processor's public module, imported by topologies as "streamlab":
 * `import { type StreamsBuilder, TimeWindows } from "streamlab"`. Names follow Kafka Streams.
 */
export { StreamsBuilder } from "./streams-builder";
export { KStream, type ValueJoiner, type ValueJoinerWithKey } from "./kstream";
export { KTable, type TableValueJoiner } from "./ktable";
export { KGroupedStream } from "./kgrouped-stream";
export { KGroupedTable } from "./kgrouped-table";
export { TimeWindowedKStream } from "./time-windowed-kstream";
export { SessionWindowedKStream } from "./session-windowed-kstream";
export { BranchedKStream } from "./branched-kstream";
export { GlobalKTable } from "./global-ktable";
export { Topology, TopologyDescription, changelogTopicName, type TopicNameExtractor, type SubtopologyInfo } from "./topology";

export { TimeWindows } from "./windows/time-windows";
export { SessionWindows } from "./windows/session-windows";
export { SlidingWindows } from "./windows/sliding-windows";
export { JoinWindows } from "./windows/join-windows";
export { EmitStrategy } from "./windows/emit-strategy";
export { Window, TimeWindow, SessionWindow, SlidingWindow, Windowed } from "./windowed";

export { Consumed, type TimestampExtractor, type ConsumedRecord } from "./consumed";
export { Produced, type StreamPartitioner } from "./produced";
export { Grouped } from "./grouped";
export { Materialized } from "./materialized";
export { Joined, StreamJoined } from "./joined";
export { Repartitioned } from "./repartitioned";
export { Branched } from "./branched";
export { Suppressed, BufferConfig } from "./suppressed";
export { Named, Duration } from "./named";
export { KeyValue, type KeyValueLike } from "./key-value";
export { Record, Headers } from "./record";
export { Change } from "./change";
export { Serdes, WindowedSerdes, type Serde, type Serializer, type Deserializer } from "./serdes";
export { TopologyException, StreamsException, IllegalArgumentException } from "./errors";

export {
  PunctuationType,
  ContextualProcessor,
  type Processor,
  type ProcessorContext,
  type ProcessorSupplier,
  type Punctuator,
  type Cancellable,
  type RecordMetadata,
  type RecordContext,
} from "./processor/processor-context";
export type { Predicate, KeyValueMapper, ValueMapper, ValueMapperWithKey, ForeachAction } from "./processor/processors/stateless";
export type { Initializer, Aggregator, Reducer, Merger } from "./processor/processors/stream-aggregate";

export { Stores } from "./state/stores";
export { ValueAndTimestamp, KeyValueIterator, type StateStore, type StoreBuilder } from "./state/state-store";
export type { KeyValueStore, TimestampedKeyValueStore } from "./state/key-value-store";
export type { WindowStore, TimestampedWindowStore } from "./state/window-store";
export type { SessionStore } from "./state/session-store";

export { TopologyTestDriver, TestInputTopic, TestOutputTopic, type TestRecord } from "./test-driver";
