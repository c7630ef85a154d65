/**
 * CREATE STREAM|TABLE ... AS SELECT and INSERT INTO ... SELECT: the sink they write, the
 * topic it needs, and the function that builds the query's topology. The same function
 * runs once on a throwaway builder to check the statement, and again for the running
 * application (and after a restart, when the command topic is replayed).
 *
 * Naming follows ksqlDB: query ids `CSAS_<SINK>_<n>`, `CTAS_<SINK>_<n>`,
 * `INSERTQUERY_<n>` (n = the command's offset in the command topic), applications
 * `_confluent-ksql-default_query_<id>`, sink topic = the sink name unless KAFKA_TOPIC says
 * otherwise, with the source topic's partition count unless PARTITIONS says otherwise.
 */
import { property, type CreateAsSelect, type InsertInto, type Property } from "../ast";
import { KsqlException } from "../errors";
import { checkUpgrade, type DataSource, type MetaStore, type QueryKind } from "../metastore";
import type { PlanContext } from "../planner/context";
import { buildExecutionPlan, type PlanStep } from "../planner/execution-plan";
import { planQuery, type PlannedQuery } from "../planner/plan-query";
import { formatSchema, type FormatInfo, type LogicalSchema } from "../planner/schema";
import { keySerde, valueSerde } from "../planner/serdes";
import { parseToInstant } from "../functions/java-time";
import { Produced } from "../../streams/produced";
import type { Processor, ProcessorContext } from "../../streams/processor/processor-context";
import type { Record as StreamRecord } from "../../streams/record";
import { StreamsBuilder } from "../../streams/streams-builder";
import type { Topology } from "../../streams/topology";
import { typesEqual } from "../types";
import type { Row } from "../values";
import { checkName, type TopicLookup, type TopicSpecToCreate } from "./create-source";
import { checkFormats, formatsFrom, numberProperty, stringProperty } from "./source-properties";

export const KSQL_SERVICE_ID = "default_";

/** Kafka's retention.ms default: 7 days. */
const DEFAULT_RETENTION_MS = 604_800_000;

export function applicationIdFor(queryId: string): string {
  return `_confluent-ksql-${KSQL_SERVICE_ID}query_${queryId}`;
}

export interface PersistentQueryPlan {
  queryId: string;
  kind: QueryKind;
  applicationId: string;
  sink: DataSource;
  /** Present when the sink topic does not exist yet. */
  createTopic?: TopicSpecToCreate;
  sources: string[];
  /** Builds the whole topology (sources to sink) into `builder`. */
  build(builder: StreamsBuilder, ctx: PlanContext): void;
  /** ksqlDB's description of the query's steps (EXPLAIN, CREATE OR REPLACE). */
  executionPlan: PlanStep;
  /** CREATE OR REPLACE … AS SELECT: the id of the query it replaces (the same as `queryId`). */
  replaces?: string;
  message: string;
}

type BuildContext = Omit<PlanContext, "queryId" | "metastore">;

/** The sink's TIMESTAMP column (CSAS … WITH (TIMESTAMP='col' [, TIMESTAMP_FORMAT='…'])): a key or value column. */
interface SinkTimestamp {
  column: string;
  format?: string;
  /** Where the key holds it, for a key column. */
  keyIndex?: number;
  keyCount: number;
}

function sinkTimestamp(props: readonly Property[], schema: LogicalSchema): SinkTimestamp | undefined {
  const name = stringProperty(props, "TIMESTAMP");
  const format = stringProperty(props, "TIMESTAMP_FORMAT");
  if (name === undefined) {
    if (format !== undefined) throw new KsqlException("TIMESTAMP_FORMAT requires a TIMESTAMP column in the WITH clause.", property(props, "TIMESTAMP_FORMAT")!.loc);
    return undefined;
  }
  const col = [...schema.key, ...schema.value].find((c) => c.name === name || c.name === name.toUpperCase());
  const p = property(props, "TIMESTAMP")!;
  if (!col) throw new KsqlException(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${name.toUpperCase()}'`, p.loc);
  const ok = format !== undefined ? col.type.base === "STRING" : col.type.base === "BIGINT" || col.type.base === "TIMESTAMP";
  if (!ok) throw new KsqlException(`Timestamp column, \`${col.name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`, p.loc);
  const keyIndex = schema.key.findIndex((k) => k.name === col.name);
  return { column: col.name, ...(format !== undefined ? { format } : {}), ...(keyIndex >= 0 ? { keyIndex } : {}), keyCount: schema.key.length };
}

/**
 * Sets each output record's timestamp from the sink's TIMESTAMP column, as ksqlDB's sink
 * does: a tombstone gets the stream time; a row whose column is NULL, negative or does not
 * parse is not written, and is reported to the processing log.
 */
function timestampFrom(ts: SinkTimestamp, ctx: PlanContext): () => Processor<unknown, unknown, unknown, unknown> {
  return () => {
    let pc: ProcessorContext<unknown, unknown>;
    return {
      init(c) {
        pc = c;
      },
      process(record: StreamRecord<unknown, unknown>) {
        const v = record.value() as Row | null;
        if (v === null) {
          pc.forward(record.withTimestamp(pc.currentStreamTimeMs()));
          return;
        }
        const key = record.key();
        const raw = ts.keyIndex === undefined ? v[ts.column] : ts.keyCount === 1 ? key : ((key as unknown[] | null)?.[ts.keyIndex] ?? null);
        let t: number | undefined;
        let problem = "";
        try {
          t = typeof raw === "number" ? raw : typeof raw === "string" && ts.format !== undefined ? parseToInstant(raw, ts.format, "UTC") : undefined;
        } catch (e) {
          problem = e instanceof Error ? e.message : String(e);
        }
        if (t === undefined || !(t >= 0)) {
          const why = problem || (raw === null || raw === undefined ? `the timestamp column ${ts.column} is null` : `timestamp (${String(raw)}) is negative`);
          ctx.processingLog({ queryId: ctx.queryId, message: `Error writing row with extracted timestamp: ${why}` });
          return;
        }
        pc.forward(record.withTimestamp(t));
      },
    };
  };
}

function writeSink(planned: PlannedQuery, sink: { topic: string; schema: LogicalSchema; keyFormat: FormatInfo; valueFormat: FormatInfo; timestamp?: SinkTimestamp | undefined }, ctx: PlanContext): void {
  let out = planned.sinkStream();
  if (sink.timestamp) out = out.processValues(timestampFrom(sink.timestamp, ctx));
  out.to(sink.topic, Produced.with(keySerde(sink.schema.key, sink.keyFormat), valueSerde(sink.schema.value, sink.valueFormat)));
}

/** Runs `build` on a throwaway builder: every planning error surfaces here, before any side effect. */
function check(build: (b: StreamsBuilder) => void): Topology {
  const b = new StreamsBuilder();
  try {
    build(b);
    return b.build();
  } catch (e) {
    if (e instanceof KsqlException) throw e;
    throw new KsqlException(e instanceof Error ? e.message : String(e));
  }
}

export function planCreateAsSelect(stmt: CreateAsSelect, ms: MetaStore, topics: TopicLookup, ctx: BuildContext, commandOffset: number): PersistentQueryPlan | { noop: string } {
  const status = checkName(stmt, ms);
  if (status === "exists") return { noop: `A ${ms.getSource(stmt.name)!.type === "STREAM" ? "stream" : "table"} with the name ${stmt.name} already exists.` };
  const kind: QueryKind = stmt.sourceType === "STREAM" ? "CSAS" : "CTAS";
  let queryId = `${kind}_${stmt.name}_${commandOffset}`;
  const replaced = status === "replace" ? ms.getSource(stmt.name)! : undefined;
  let replaces: string | undefined;
  if (replaced) {
    // As ksqlDB: the query writing the sink keeps its id (and so its consumer group, state
    // and internal topics); a sink written by several queries cannot be replaced.
    const writers = ms.writersOf(stmt.name).map((q) => q.id).sort();
    if (writers.length > 1) throw new KsqlException(`REPLACE for sink ${stmt.name} is not supported because there are multiple queries writing into it: [${writers.join(", ")}]`, stmt.nameLoc);
    if (writers.length === 1) queryId = replaces = writers[0]!;
  }
  const planCtx = (c: BuildContext): PlanContext => ({ ...c, metastore: ms, queryId });

  // Plan once to learn the result's shape.
  let planned: PlannedQuery | undefined;
  check((b) => {
    planned = planQuery(b, stmt.query, planCtx(ctx), { persistent: true, sinkName: stmt.name });
  });
  const p = planned!;
  if (p.kind === "table" && stmt.sourceType === "STREAM") {
    throw new KsqlException("Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead.", stmt.loc);
  }
  if (p.kind === "stream" && stmt.sourceType === "TABLE") {
    throw new KsqlException("Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead.", stmt.loc);
  }
  const primary = p.sources[0]!;
  const formats = formatsFrom(stmt.properties, { key: p.keyFormat, value: p.valueFormat });
  checkFormats(p.schema.key, p.schema.value, formats);
  const topic = stringProperty(stmt.properties, "KAFKA_TOPIC") ?? stmt.name;
  const partitions = numberProperty(stmt.properties, "PARTITIONS") ?? topics.partitionCount(primary.topic) ?? 1;
  const replicas = numberProperty(stmt.properties, "REPLICAS");
  const existing = topics.partitionCount(topic);
  if (existing !== undefined && numberProperty(stmt.properties, "PARTITIONS") !== undefined && existing !== partitions) {
    throw new KsqlException(
      `A Kafka topic with the name '${topic}' already exists, with different partition/replica configuration than required. KSQL expects ${partitions} partitions (topic has ${existing}).`,
    );
  }
  if (ms.allSources().some((s) => s.topic === topic && s.createdByQuery !== undefined && s.createdByQuery !== replaces)) {
    throw new KsqlException(`Topic ${topic} is already the sink of another query; use INSERT INTO to add to it.`);
  }
  const sinkTs = sinkTimestamp(stmt.properties, p.schema);
  const timestampColumn = sinkTs?.column;
  const config: Record<string, string> = {
    "cleanup.policy": stmt.sourceType === "STREAM" ? "delete" : p.window ? "compact,delete" : "compact",
  };
  const retentionMs = numberProperty(stmt.properties, "RETENTION_MS");
  if (retentionMs !== undefined && config["cleanup.policy"] === "compact") {
    throw new KsqlException("Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.");
  }
  // ksqlDB's topic injector: RETENTION_MS, else the source topic's retention.ms, raised to
  // the window's RETENTION for a windowed table; compacted topics get none.
  if (config["cleanup.policy"] !== "compact") {
    const retention = Math.max(retentionMs ?? topics.retentionMs?.(primary.topic) ?? DEFAULT_RETENTION_MS, p.window ? (stmt.query.window?.retention?.ms ?? 0) : 0);
    config["retention.ms"] = String(retention);
  }
  const sink: DataSource = {
    name: stmt.name,
    type: stmt.sourceType,
    schema: p.schema,
    topic,
    keyFormat: formats.key,
    valueFormat: formats.value,
    ...(sinkTs ? { timestamp: { column: sinkTs.column, ...(sinkTs.format !== undefined ? { format: sinkTs.format } : {}) } } : {}),
    ...(p.window ? { window: p.window } : {}),
    isSource: false,
    statement: stmt.text,
    createdByQuery: queryId,
  };
  if (replaced) checkUpgrade(replaced, sink);
  const build = (b: StreamsBuilder, c: PlanContext) => {
    const q = planQuery(b, stmt.query, { ...c, queryId }, { persistent: true, sinkName: stmt.name });
    writeSink(q, { topic, schema: sink.schema, keyFormat: sink.keyFormat, valueFormat: sink.valueFormat, timestamp: sinkTs }, { ...c, queryId });
  };
  check((b) => build(b, planCtx(ctx)));
  const executionPlan = buildExecutionPlan({
    query: stmt.query,
    metastore: ms,
    functions: ctx.functions,
    result: p.schema,
    sink: { name: stmt.name, type: stmt.sourceType, topic, keyFormat: formats.key, valueFormat: formats.value, timestampColumn },
  });
  return {
    queryId,
    kind,
    applicationId: applicationIdFor(queryId),
    sink,
    executionPlan,
    ...(replaces !== undefined ? { replaces } : {}),
    ...(existing === undefined ? { createTopic: { name: topic, partitions, ...(replicas !== undefined && replicas > 0 ? { replicationFactor: replicas } : {}), config } } : {}),
    sources: [...new Set(p.sources.map((s) => s.name))],
    build,
    message: `Created query with ID ${queryId}`,
  };
}

export function planInsertInto(stmt: InsertInto, ms: MetaStore, ctx: BuildContext, commandOffset: number): PersistentQueryPlan {
  const target = ms.getSource(stmt.target);
  if (!target) throw new KsqlException(`Source ${stmt.target} does not exist.`, stmt.targetLoc);
  if (target.type !== "STREAM") throw new KsqlException(`INSERT INTO can only be used to insert into a stream. ${target.name} is a table.`, stmt.targetLoc);
  if (target.isSource) throw new KsqlException(`Cannot insert into read-only stream: ${target.name}`, stmt.targetLoc);
  const queryId = `INSERTQUERY_${commandOffset}`;
  const planCtx = (c: BuildContext): PlanContext => ({ ...c, metastore: ms, queryId });
  let planned: PlannedQuery | undefined;
  check((b) => {
    planned = planQuery(b, stmt.query, planCtx(ctx), { persistent: true, sinkName: target.name });
  });
  const p = planned!;
  if (p.kind !== "stream") throw new KsqlException(`INSERT INTO can only be used with a query that produces a stream; this one produces a TABLE.`, stmt.query.loc);
  if (p.sources.some((s) => s.name === target.name)) throw new KsqlException(`Cannot insert into ${target.name} from a query that reads it.`, stmt.targetLoc);
  const same = (a: LogicalSchema, b: LogicalSchema) =>
    a.key.length === b.key.length &&
    a.value.length === b.value.length &&
    a.key.every((c, i) => c.name === b.key[i]!.name && typesEqual(c.type, b.key[i]!.type)) &&
    a.value.every((c, i) => c.name === b.value[i]!.name && typesEqual(c.type, b.value[i]!.type));
  if (!same(p.schema, target.schema)) {
    throw new KsqlException(`Incompatible schema between results and sink.\nResult schema is ${formatSchema(p.schema)}\nSink schema is ${formatSchema(target.schema)}`, stmt.query.loc);
  }
  if ((p.window === undefined) !== (target.window === undefined)) throw new KsqlException("Incompatible key fields for sink and results: one is windowed, the other is not.", stmt.query.loc);
  const build = (b: StreamsBuilder, c: PlanContext) => {
    const q = planQuery(b, stmt.query, { ...c, queryId }, { persistent: true, sinkName: target.name });
    writeSink(q, { topic: target.topic, schema: target.schema, keyFormat: target.keyFormat, valueFormat: target.valueFormat }, { ...c, queryId });
  };
  check((b) => build(b, planCtx(ctx)));
  const executionPlan = buildExecutionPlan({
    query: stmt.query,
    metastore: ms,
    functions: ctx.functions,
    result: target.schema,
    sink: { name: target.name, type: target.type, topic: target.topic, keyFormat: target.keyFormat, valueFormat: target.valueFormat },
  });
  return {
    queryId,
    kind: "INSERT",
    applicationId: applicationIdFor(queryId),
    sink: target,
    executionPlan,
    sources: [...new Set(p.sources.map((s) => s.name))],
    build,
    message: `Created query with ID ${queryId}`,
  };
}
