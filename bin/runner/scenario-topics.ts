/**
 * Topics in a scenario: the declared ones, and every topic (and partition) a step names,
 * checked against what exists at that point of the run. After a step that may create topics
 * of its own (sql, topology), or in a data directory holding an earlier run, an unknown name
 * is left to the runner, which asks the engine the same question ({@link checkStepTopics})
 * when the step runs.
 */
import { resolveTopicConfig } from "../../workers/protocol/topic-config";
import { INTERNAL_TOPICS, validateNewTopicName } from "../../workers/protocol/topic-name";
import { isKafkaError } from "../../workers/protocol/errors";
import { parsePartitionName } from "./partition-name";
import { checkConfig } from "./scenario-config";
import { childPath, describeValue, indexPath } from "./scenario-error";
import { configObject, fail, integer, INT32_MAX, object, onlyFields, optional, required, text } from "./scenario-json";
import type { ScenarioTopic, Step } from "./scenario-types";

/**
 * What topics exist at a point of the run, as far as the validator can tell. After a step
 * that may create topics of its own (sql, topology) an unknown name is left for the engine
 * to judge when the step runs.
 */
export class TopicCatalog {
  private readonly declared = new Map<string, number>();
  openWorld = false;

  declare(name: string, partitions: number): void {
    this.declared.set(name, partitions);
  }

  names(): Iterable<string> {
    return this.declared.keys();
  }

  /** Partition count, undefined when the topic does not exist, "unknown" when nobody can tell yet. */
  partitionsOf(name: string): number | undefined | "unknown" {
    const count = this.declared.get(name);
    if (count !== undefined) return count;
    return this.openWorld ? "unknown" : undefined;
  }
}

const TOPIC_FIELDS = ["name", "partitions", "replicationFactor", "config"];

export function readTopic(value: unknown, path: string, catalog: TopicCatalog): ScenarioTopic {
  const obj = object(value, path, 'a topic: { "name": …, "partitions": … }');
  onlyFields(obj, path, TOPIC_FIELDS);
  const namePath = childPath(path, "name");
  const name = required(obj, "name", path, text("a topic name"), "a topic name");
  if (INTERNAL_TOPICS.has(name)) fail(namePath, `topic "${name}" is internal: the broker creates it itself`);
  const index = [...catalog.names()].indexOf(name);
  if (index >= 0) fail(namePath, `topic "${name}" is declared twice (first at topics[${index}])`);
  try {
    validateNewTopicName(name, catalog.names());
  } catch (e) {
    if (isKafkaError(e)) fail(namePath, e.message);
    throw e;
  }
  const partitions = optional(obj, "partitions", path, integer(1, INT32_MAX, "a partition count (an integer ≥ 1)")) ?? 1;
  const replicationFactor =
    optional(obj, "replicationFactor", path, integer(1, 32767, "a replication factor (an integer ≥ 1)")) ?? 1;
  const config = optional(obj, "config", path, configObject) ?? {};
  checkConfig(childPath(path, "config"), config, (c) => resolveTopicConfig(name, c));
  return { name, partitions, replicationFactor, config };
}

/** Partition count of a topic; undefined when it does not exist, "unknown" when that cannot be told yet. */
export type PartitionsOf = (topic: string) => number | undefined | "unknown";

export interface TopicRef {
  path: string;
  topic: string;
  partitions: { path: string; partition: number }[];
}

/** Every topic (and partition) a step names, with the path where it is named. */
export function stepTopicRefs(step: Step): TopicRef[] {
  const at = childPath(step.path, step.verb);
  switch (step.verb) {
    case "produce":
      return [
        {
          path: childPath(at, "topic"),
          topic: step.args.topic,
          partitions: step.args.records.flatMap((r, i) =>
            r.partition === undefined ? [] : [{ path: childPath(indexPath(childPath(at, "records"), i), "partition"), partition: r.partition }],
          ),
        },
      ];
    case "roll": {
      const partition = step.args.partition;
      return [
        {
          path: childPath(at, "topic"),
          topic: step.args.topic,
          partitions: partition === undefined ? [] : [{ path: childPath(at, "partition"), partition }],
        },
      ];
    }
    case "clean":
      return [{ path: childPath(at, "topic"), topic: step.args.topic, partitions: [] }];
    case "join":
      return step.args.topics.map((topic, i) => ({ path: indexPath(childPath(at, "topics"), i), topic, partitions: [] }));
    case "commit":
      return Object.keys(step.args.offsets ?? {}).map((name) => partitionRef(childPath(childPath(at, "offsets"), name), name));
    case "seek":
      return [partitionRef(childPath(at, "partition"), step.args.partition)];
    case "advance":
    case "sql":
    case "topology":
    case "leave":
    case "crash":
    case "poll":
    case "restart":
      return [];
  }
}

function partitionRef(path: string, name: string): TopicRef {
  const parsed = parsePartitionName(name);
  if (parsed === undefined) fail(path, `expected a partition as "topic-partition", got ${describeValue(name)}`);
  return { path, topic: parsed.topic, partitions: [{ path, partition: parsed.partition }] };
}

/** Throws a ScenarioError when a step names a topic that does not exist or a partition it does not have. */
export function checkStepTopics(step: Step, partitionsOf: PartitionsOf): void {
  for (const ref of stepTopicRefs(step)) {
    const count = checkTopicExists(ref.path, ref.topic, partitionsOf);
    if (count === "unknown") continue;
    for (const p of ref.partitions) {
      if (p.partition >= count) fail(p.path, `topic "${ref.topic}" has ${partitionRange(count)}, got ${p.partition}`);
    }
  }
}

export function checkTopicExists(path: string, topic: string, partitionsOf: PartitionsOf): number | "unknown" {
  const count = partitionsOf(topic);
  if (count === undefined) fail(path, `no topic "${topic}"`);
  return count;
}

function partitionRange(count: number): string {
  return count === 1 ? "1 partition (0)" : `${count} partitions (0–${count - 1})`;
}
