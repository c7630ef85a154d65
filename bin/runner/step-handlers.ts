/**
 * What each scenario verb does to the engine: one entry per verb. A verb without an entry
 * is refused before the run starts (see `unsupportedSteps`), so supporting a new verb is
 * one entry here plus whatever the engine needs for it.
 */
import type { EnginePort, JoinRequest, ProduceOptions, ProduceRecord } from "../../workers/engine/engine-port";
import { serializeHeaders, serializeKey, serializeValue } from "../../workers/client/json-serde";
import { firstWords } from "../../workers/sql/engine/statement-spans";
import { ScenarioError } from "./scenario-error";
import { formatPollLine, printedRecord, windowedKeyDecoder } from "./output";
import type { JoinStep, ProduceStep, ScenarioRecord, StepArgs, StepOf, Verb } from "./scenario";

export interface StepContext {
  engine: EnginePort;
  /** Writes one JSON Lines record to the runner's output (poll results). */
  out: (line: string) => void;
}

export type StepHandler<V extends Verb> = (args: StepArgs[V], ctx: StepContext, step: StepOf<V>) => Promise<void>;
export type StepHandlers = { readonly [V in Verb]?: StepHandler<V> };

export function toProduceRecord(r: ScenarioRecord): ProduceRecord {
  const record: ProduceRecord = { key: serializeKey(r.key), value: serializeValue(r.value) };
  if (r.timestamp !== undefined) record.timestamp = r.timestamp;
  if (r.partition !== undefined) record.partition = r.partition;
  if (r.headers !== undefined) record.headers = serializeHeaders(r.headers);
  return record;
}

export function toProduceOptions(step: ProduceStep): ProduceOptions {
  const options: ProduceOptions = {};
  if (step.config !== undefined) options.config = step.config;
  if (step.acks !== undefined) options.acks = step.acks;
  if (step.idempotent !== undefined) options.idempotent = step.idempotent;
  if (step.transactional !== undefined) options.transactional = step.transactional;
  return options;
}

export function toJoinRequest(step: JoinStep): JoinRequest {
  const request: JoinRequest = { groupId: step.groupId, memberId: step.memberId, topics: [...step.topics] };
  if (step.assignor !== undefined) request.assignor = step.assignor;
  if (step.config !== undefined) request.config = step.config;
  return request;
}

export const STEP_HANDLERS: StepHandlers = {
  produce: (args, { engine }) => engine.produce(args.topic, args.records.map(toProduceRecord), toProduceOptions(args)),
  advance: (args, { engine }) => engine.advance(args.ms),
  roll: (args, { engine }) => engine.roll(args.topic, args.partition),
  clean: (args, { engine }) => engine.clean(args.topic),
  restart: (_args, { engine }) => engine.restart(),
  join: (args, { engine }) => engine.join(toJoinRequest(args)),
  leave: (args, { engine }) => engine.leave({ groupId: args.groupId, memberId: args.memberId }),
  crash: (args, { engine }) => engine.crash({ groupId: args.groupId, memberId: args.memberId }),
  poll: async (args, { engine, out }) => {
    const origin = { groupId: args.groupId, memberId: args.memberId };
    const records = await engine.poll(args.max === undefined ? origin : { ...origin, max: args.max });
    const decodeKey = windowedKeyDecoder((topic) => engine.windowedKeyFormat(topic));
    for (const r of records) out(formatPollLine(origin, printedRecord(r, { decodeKey })));
  },
  sql: async (args, { engine }, step) => {
    const result = await engine.executeSql(args);
    const e = result.error;
    if (e) {
      // SCENARIO.md: `steps[0].sql statement 2 (CREATE STREAM big_orders …): 1:8: unexpected …`
      throw new ScenarioError(`${step.path}.sql statement ${e.statement.index} (${firstWords(e.statement.text)})`, `${e.line}:${e.column}: ${e.message}`);
    }
  },
  topology: async (args, { engine }) => {
    const config = args.config !== undefined ? { config: args.config } : {};
    // A second topology step for an application id redeploys it: stop, optionally reset, start.
    const known = engine.describeApplications().some((a) => a.applicationId === args.applicationId);
    if (known || args.reset === true) {
      await engine.restartApplication({ applicationId: args.applicationId, source: args.source, ...config, ...(args.reset === true ? { reset: true, wipeState: true } : {}) });
    } else {
      await engine.startApplication({ applicationId: args.applicationId, source: args.source, ...config });
    }
  },
  commit: async (args, { engine }) => {
    await engine.commit(args.offsets === undefined ? { groupId: args.groupId, memberId: args.memberId } : { groupId: args.groupId, memberId: args.memberId, offsets: args.offsets });
  },
  seek: async (args, { engine }) => {
    await engine.seek({ groupId: args.groupId, memberId: args.memberId, partition: args.partition, offset: args.offset });
  },
};
