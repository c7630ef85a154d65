/**
 * Resetting an application that is not running, the two ways Kafka offers:
 *
 * - {@link resetApplication} is kafka-streams-application-reset: the committed offsets on the
 *   input topics go back to the beginning of each partition, and the internal topics
 *   (repartition and changelog, recognised by name as the tool does) are deleted, so the
 *   next start reprocesses everything from an empty state.
 * - {@link resetInputOffsets} is `kafka-consumer-groups --reset-offsets --to-earliest` on the
 *   application's group and input topics: only those offsets move. The changelogs stay, the
 *   next start restores the stores from them and reprocesses the input on top of that state.
 */
import type { Broker } from "../../broker/broker";
import { parseTpKey } from "../../groups/topic-partition";
import { KafkaError } from "../../protocol/errors";

export interface ResetReport {
  /** "topic-partition" → the offset the group will start from. */
  inputOffsets: Record<string, number>;
  deletedTopics: string[];
}

export function isInternalTopicOf(applicationId: string, topic: string): boolean {
  return topic.startsWith(`${applicationId}-`) && (topic.endsWith("-repartition") || topic.endsWith("-changelog"));
}

export async function resetApplication(broker: Broker, applicationId: string, inputTopics: readonly string[]): Promise<ResetReport> {
  requireInactive(broker, applicationId, "reset of streams application");
  const internal = broker.listTopics().filter((t) => isInternalTopicOf(applicationId, t));
  const offsets = earliestInputOffsets(broker, applicationId, inputTopics);
  // The internal topics start again at offset 0 when they are recreated.
  for (const topic of internal) {
    if (!topic.endsWith("-repartition")) continue;
    for (let p = 0; p < broker.partitionCount(topic); p++) offsets[`${topic}-${p}`] = { offset: 0 };
  }
  await commit(broker, applicationId, offsets);
  for (const topic of internal) await broker.deleteTopic(topic);
  const inputOffsets: Record<string, number> = {};
  for (const [k, v] of Object.entries(offsets)) if (!isInternalTopicOf(applicationId, parseTpKey(k).topic)) inputOffsets[k] = v.offset;
  return { inputOffsets, deletedTopics: internal };
}

/**
 * The input offsets alone back to the beginning. Repartition offsets stay too: what the
 * application already handed over between its sub-topologies was counted, and the
 * reprocessed input hands it over again.
 */
export async function resetInputOffsets(broker: Broker, applicationId: string, inputTopics: readonly string[]): Promise<ResetReport> {
  requireInactive(broker, applicationId, "offset reset of streams application");
  const offsets = earliestInputOffsets(broker, applicationId, inputTopics);
  await commit(broker, applicationId, offsets);
  return { inputOffsets: Object.fromEntries(Object.entries(offsets).map(([k, v]) => [k, v.offset])), deletedTopics: [] };
}

function requireInactive(broker: Broker, applicationId: string, what: string): void {
  const state = broker.groups.groupState(applicationId);
  if (state !== "Dead" && state !== "Empty") {
    throw new KafkaError("NON_EMPTY_GROUP", `${what} "${applicationId}": its consumer group is ${state} and still has members; stop every instance first`);
  }
}

/** Every partition of the application's input topics at its log start offset. */
function earliestInputOffsets(broker: Broker, applicationId: string, inputTopics: readonly string[]): Record<string, { offset: number }> {
  const inputs = new Set(inputTopics.filter((t) => broker.hasTopic(t) && !isInternalTopicOf(applicationId, t)));
  // Inputs the application committed on but that the caller did not list (an earlier topology).
  for (const key of Object.keys(broker.groups.fetchOffsets(applicationId))) {
    const { topic } = parseTpKey(key);
    if (broker.hasTopic(topic) && !isInternalTopicOf(applicationId, topic)) inputs.add(topic);
  }
  const offsets: Record<string, { offset: number }> = {};
  for (const topic of [...inputs].sort()) {
    for (let p = 0; p < broker.partitionCount(topic); p++) offsets[`${topic}-${p}`] = { offset: broker.partition(topic, p).logStartOffset };
  }
  return offsets;
}

async function commit(broker: Broker, applicationId: string, offsets: Record<string, { offset: number }>): Promise<void> {
  if (Object.keys(offsets).length === 0) return;
  await broker.groups.commitOffsets({ groupId: applicationId, memberId: "", generationId: -1, offsets });
  await broker.offsetCommitsSettled();
}
