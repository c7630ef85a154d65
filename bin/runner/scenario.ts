/**
 * Scenario documents (SCENARIO.md): the validator that turns parsed JSON into a typed
 * {@link Scenario} or throws a {@link ScenarioError} whose message opens with the JSON path
 * of the problem. Unknown fields are errors, never ignored: a misspelt `recordz` must not
 * silently produce nothing.
 *
 * The document's parts are read by their own modules: scenario-topics.ts (declared topics
 * and the topics steps name), scenario-steps.ts (each verb's arguments), scenario-expect.ts
 * (the expected end state), over scenario-json.ts (typed reading at a path) and
 * scenario-config.ts (Kafka configs checked by the engine's resolvers). The types are in
 * scenario-types.ts and re-exported here.
 */
import { findJsonSyntaxError } from "./json-syntax";
import { childPath, describeValue, indexPath } from "./scenario-error";
import { readExpect } from "./scenario-expect";
import { array, fail, has, object, onlyFields, optional, required, text, TIMESTAMP } from "./scenario-json";
import { readStep } from "./scenario-steps";
import { checkStepTopics, checkTopicExists, readTopic, TopicCatalog } from "./scenario-topics";
import type { ParseOptions, Scenario } from "./scenario-types";

export * from "./scenario-types";
export { checkConfig } from "./scenario-config";
export { checkStepTopics, checkTopicExists, stepTopicRefs, type PartitionsOf } from "./scenario-topics";

const DOCUMENT_FIELDS = ["version", "name", "description", "clock", "topics", "steps", "expect"];

/** Parses the text of a scenario file; JSON syntax errors name the file, line and column. */
export function parseScenarioText(text: string, fileName: string, options: ParseOptions = {}): Scenario {
  // Some editors start UTF-8 files with a byte order mark, which JSON does not allow.
  const source = text.startsWith("\ufeff") ? text.slice(1) : text;
  const syntax = findJsonSyntaxError(source);
  if (syntax !== undefined) fail("", `${fileName}:${syntax.line}:${syntax.column}: invalid JSON: ${syntax.message}`);
  return parseScenario(JSON.parse(source), options);
}

export function parseScenario(doc: unknown, options: ParseOptions = {}): Scenario {
  const root = object(doc, "", "a scenario: a JSON object");
  if (!has(root, "version")) fail("version", "missing (expected 1)");
  if (root.version !== 1) fail("version", `unsupported version ${describeValue(root.version)} (this runner reads version 1)`);
  onlyFields(root, "", DOCUMENT_FIELDS);

  const scenario: Scenario = { version: 1, clock: { start: 0 }, topics: [], steps: [] };
  const name = optional(root, "name", "", text());
  if (name !== undefined) scenario.name = name;
  const description = optional(root, "description", "", text());
  if (description !== undefined) scenario.description = description;
  const clock = optional(root, "clock", "", readClock);
  if (clock !== undefined) scenario.clock = clock;

  const catalog = new TopicCatalog();
  catalog.openWorld = options.topicsMayExist === true;
  if (has(root, "topics")) {
    const list = array(root.topics, "topics", "an array of topics");
    list.forEach((t, i) => {
      const topic = readTopic(t, indexPath("topics", i), catalog);
      catalog.declare(topic.name, topic.partitions);
      scenario.topics.push(topic);
    });
  }
  if (has(root, "steps")) {
    const list = array(root.steps, "steps", "an array of steps");
    list.forEach((s, i) => {
      const step = readStep(s, i);
      checkStepTopics(step, (topic) => catalog.partitionsOf(topic));
      if (step.verb === "sql" || step.verb === "topology") catalog.openWorld = true;
      scenario.steps.push(step);
    });
  }
  if (has(root, "expect")) {
    const expect = readExpect(root.expect, "expect");
    for (const topic of Object.keys(expect.topics ?? {})) {
      checkTopicExists(childPath("expect.topics", topic), topic, (t) => catalog.partitionsOf(t));
    }
    scenario.expect = expect;
  }
  return scenario;
}

function readClock(value: unknown, path: string): { start: number } {
  const obj = object(value, path, '{ "start": ms }');
  onlyFields(obj, path, ["start"]);
  return { start: required(obj, "start", path, TIMESTAMP, "a time in ms") };
}
