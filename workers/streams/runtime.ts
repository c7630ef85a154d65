/**
 * The seam for running topologies against the broker: tasks, what they read and write,
 * and the topic layout an application needs. User topologies import "streamlab"
 * (index.ts); the engine that consumes real topics imports this module.
 *
 * Per application: `resolvePartitionCounts` gives every source and repartition topic its
 * partition count (and enforces co-partitioning), `taskCounts` the tasks per sub-topology;
 * create one `StreamTask` per (sub-topology, partition), feed it `InputRecord`s from its
 * input topics (`task.inputTopics()`), and produce what it sends to the `RecordCollector`:
 * sink output, repartition records (partition by `partitionKey` unless `partition` is set)
 * and changelog records (`partition` = the task's). Global store groups run as one task
 * with `global: true`, their stores shared through `globalStores`.
 */
export { StreamTask, type InputRecord, type StreamTaskOptions } from "./processor/stream-task";
export type { OutgoingRecord, OutgoingKind, RecordCollector } from "./processor/record-collector";
export type { StreamsEvent, StreamsEventListener, WindowBounds } from "./processor/events";
export { resolvePartitionCounts, taskCounts, type PartitionCountLookup } from "./copartition";
export { Topology, changelogTopicName, type SubtopologyInfo, type GlobalStoreInfo, type InternalTopicDef } from "./topology";
export type { ChangelogSink, StateStore, StateStoreContext, StoreUpdate } from "./state/state-store";
export { EMIT_INTERVAL_MS_WINDOWED_AGGREGATION } from "./processor/processors/window-aggregate";
export { EMIT_INTERVAL_MS_OUTER_JOIN_SPURIOUS_RESULTS_FIX } from "./processor/processors/stream-stream-join";
export { DEFAULT_SERDE, decodeJsonOrString } from "./serdes";
export { PartitionGroup } from "./processor/partition-group";
