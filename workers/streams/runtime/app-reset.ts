/**
 * What kafka-streams-application-reset does, for an application that is not running: its
 * committed offsets on the input topics go back to the beginning of each partition, and
 * its internal topics (repartition and changelog, recognised by name as the tool does) are
 * deleted, so the next start reprocesses everything from an empty state.
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
  const state = broker.groups.groupState(applicationId);
  if (state !== "Dead" && state !== "Empty") {
    throw new KafkaError(
      "NON_EMPTY_GROUP",
      `reset of streams application "${applicationId}": its consumer group is ${state} and still has members; stop every instance first`,
    );
  }
  const internal = broker.listTopics().filter((t) => isInternalTopicOf(applicationId, t));
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
  // The internal topics start again at offset 0 when they are recreated.
  for (const topic of internal) {
    if (!topic.endsWith("-repartition")) continue;
    for (let p = 0; p < broker.partitionCount(topic); p++) offsets[`${topic}-${p}`] = { offset: 0 };
  }
  if (Object.keys(offsets).length > 0) {
    await broker.groups.commitOffsets({ groupId: applicationId, memberId: "", generationId: -1, offsets });
    await broker.offsetCommitsSettled();
  }
  for (const topic of internal) await broker.deleteTopic(topic);
  const inputOffsets: Record<string, number> = {};
  for (const [k, v] of Object.entries(offsets)) if (!isInternalTopicOf(applicationId, parseTpKey(k).topic)) inputOffsets[k] = v.offset;
  return { inputOffsets, deletedTopics: internal };
}
