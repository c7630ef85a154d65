/**
 * Runs a validated scenario against an engine: creates the declared topics, executes the
 * steps in order, then prints the dumps and checks `expect` (SCENARIO.md "The runner").
 *
 * Problems caused by the scenario (a step the engine refuses, a topic that does not exist
 * when a step runs, a verb this runner cannot execute) end the run with exit code 2 and a
 * message that opens with the JSON path; they are never thrown to the caller. Anything
 * else thrown is an internal error and propagates.
 */
import type { ApplicationDescription, EnginePort } from "../../workers/engine/engine-port";
import { isKafkaError } from "../../workers/protocol/errors";
import { checkExpectations, formatDifferences, type Difference } from "./check";
import { formatDumpLine, formatGroupLine, printedRecord, windowedKeyDecoder, type GroupSummary, type PrintedRecord } from "./output";
import { checkStepTopics, checkTopicExists, type PartitionsOf, type Scenario, type Step } from "./scenario";
import { childPath, ScenarioError } from "./scenario-error";
import { STEP_HANDLERS, type StepContext, type StepHandler, type StepHandlers } from "./step-handlers";

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_INVALID = 2;
export type ExitCode = typeof EXIT_OK | typeof EXIT_CHECK_FAILED | typeof EXIT_INVALID;

export interface RunOptions {
  /** Topics to print after the last step (`--dump`), in this order. */
  dump?: readonly string[];
  /** Print one line per consumer group after the last step (`--groups`). */
  groups?: boolean;
  /** Compare the run with `expect` (`--check`). */
  check?: boolean;
  /** Receives each JSON Lines record (stdout). */
  out: (line: string) => void;
  /** Receives each message for people (stderr). */
  err: (message: string) => void;
  /** Verb handlers; defaults to {@link STEP_HANDLERS}. */
  handlers?: StepHandlers;
}

export interface RunOutcome {
  exitCode: ExitCode;
  /** The messages written to `err`, for callers that test the run. */
  errors: string[];
  /** What `--check` found different (empty when it passed or did not run). */
  differences: Difference[];
}

const UNSUPPORTED = "not supported by this version of the runner";

/**
 * What cannot run at all, found before anything happens so that a run never stops half
 * way for want of a feature: verbs without a handler.
 */
export function unsupportedFeatures(scenario: Scenario, options: Pick<RunOptions, "handlers">): string[] {
  const handlers = options.handlers ?? STEP_HANDLERS;
  const problems: string[] = [];
  for (const step of scenario.steps) {
    if (handlers[step.verb] === undefined) problems.push(`${step.path}: the "${step.verb}" verb is ${UNSUPPORTED}`);
  }
  return problems;
}

export async function runScenario(scenario: Scenario, engine: EnginePort, options: RunOptions): Promise<RunOutcome> {
  const outcome: RunOutcome = { exitCode: EXIT_OK, errors: [], differences: [] };
  const report = (message: string): RunOutcome => {
    outcome.errors.push(message);
    options.err(message);
    outcome.exitCode = EXIT_INVALID;
    return outcome;
  };

  const unsupported = unsupportedFeatures(scenario, options);
  if (options.check === true && scenario.expect === undefined) unsupported.push(`--check: the scenario has no "expect"`);
  if (unsupported.length > 0) {
    for (const message of unsupported) report(message);
    return outcome;
  }

  const handlers = options.handlers ?? STEP_HANDLERS;
  const ctx: StepContext = { engine, out: options.out };
  const partitionsOf: PartitionsOf = (topic) => (engine.hasTopic(topic) ? engine.partitionCount(topic) : undefined);

  const decodeKey = windowedKeyDecoder((topic) => engine.windowedKeyFormat(topic));
  try {
    await createTopics(scenario, engine);
    for (const step of scenario.steps) {
      await runStep(step, handlers, ctx, partitionsOf);
      await engine.settle();
    }
    await dumpTopics(options.dump ?? [], engine, partitionsOf, options.out);
    const wantGroups = options.groups === true || (options.check === true && scenario.expect?.groups !== undefined);
    const groups: GroupSummary[] = wantGroups ? await engine.describeGroups() : [];
    if (options.groups === true) for (const g of groups) options.out(formatGroupLine(g));
    if (options.check === true && scenario.expect !== undefined) {
      const topics = new Map<string, PrintedRecord[]>();
      for (const topic of Object.keys(scenario.expect.topics ?? {})) {
        checkTopicExists(childPath("expect.topics", topic), topic, partitionsOf);
        topics.set(topic, (await engine.readAll(topic)).map((r) => printedRecord(r, { decodeKey })));
      }
      const differences = checkExpectations(scenario.expect, { topics, groups: new Map(groups.map((g) => [g.group, g])) });
      if (differences.length > 0) {
        outcome.differences = differences;
        outcome.exitCode = EXIT_CHECK_FAILED;
        outcome.errors.push(formatDifferences(differences));
        options.err(formatDifferences(differences));
      }
    }
  } catch (e) {
    if (e instanceof ScenarioError) return report(e.message);
    throw e;
  }
  // An application that failed while running does not stop the run, but the run failed.
  for (const app of engine.describeApplications()) if (app.state === "ERROR") report(applicationFailureMessage(app));
  return outcome;
}

/**
 * SCENARIO.md: names the application, the state ERROR, the record's topic, partition and
 * offset, the error's message, then the stack mapped to the user's source lines.
 */
export function applicationFailureMessage(app: ApplicationDescription): string {
  const f = app.failure;
  let text = `streams application "${app.applicationId}" is in state ERROR`;
  if (!f) return text;
  if (f.topic !== null && f.reason === "user-code") text += ` after a failure on the record at topic ${f.topic}, partition ${f.partition}, offset ${f.offset}`;
  const where = f.line !== undefined ? ` (topology.ts:${f.line}:${f.column ?? 0})` : "";
  text += `: ${f.message}${where}`;
  if (f.stack && f.reason === "user-code") text += `\n${f.stack}`;
  return text;
}

/**
 * Declared topics are created before the first step. A topic already in the data
 * directory (an earlier run) is kept as it is, provided its partition count agrees.
 */
async function createTopics(scenario: Scenario, engine: EnginePort): Promise<void> {
  for (const [i, topic] of scenario.topics.entries()) {
    const path = `topics[${i}]`;
    if (engine.hasTopic(topic.name)) {
      const existing = engine.partitionCount(topic.name);
      if (existing !== topic.partitions) {
        throw new ScenarioError(
          `${path}.partitions`,
          `topic "${topic.name}" already exists in the data directory with ${existing} partition${existing === 1 ? "" : "s"}, not ${topic.partitions}`,
        );
      }
      continue;
    }
    await rethrowKafkaError(path, () =>
      engine.createTopic({
        name: topic.name,
        partitions: topic.partitions,
        replicationFactor: topic.replicationFactor,
        config: topic.config,
      }),
    );
  }
}

async function runStep(step: Step, handlers: StepHandlers, ctx: StepContext, partitionsOf: PartitionsOf): Promise<void> {
  // Topics created by earlier sql or topology steps were unknown when the scenario was
  // validated; the engine knows them now.
  checkStepTopics(step, partitionsOf);
  const handler = handlers[step.verb] as StepHandler<typeof step.verb> | undefined;
  if (handler === undefined) throw new ScenarioError(step.path, `the "${step.verb}" verb is ${UNSUPPORTED}`);
  await rethrowKafkaError(childPath(step.path, step.verb), () => handler(step.args as never, ctx, step as never));
}

async function dumpTopics(topics: readonly string[], engine: EnginePort, partitionsOf: PartitionsOf, out: (line: string) => void): Promise<void> {
  const seen = new Set<string>();
  for (const topic of topics) {
    if (seen.has(topic)) continue;
    seen.add(topic);
    checkTopicExists("--dump", topic, partitionsOf);
    const decodeKey = windowedKeyDecoder((t) => engine.windowedKeyFormat(t));
    for (const record of await engine.readAll(topic)) out(formatDumpLine(printedRecord(record, { decodeKey })));
  }
}

/** The engine refuses bad input with a KafkaError; in a scenario that is an error at `path`. */
async function rethrowKafkaError<T>(path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    if (isKafkaError(e)) throw new ScenarioError(path, e.message);
    throw e;
  }
}
