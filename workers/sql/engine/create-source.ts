/**
 * CREATE [OR REPLACE] [SOURCE] STREAM|TABLE name (columns) WITH (...): the metastore entry
 * it makes and the topic it needs. A missing topic is created only when PARTITIONS is
 * given; otherwise the statement fails as ksqlDB's does, with an example to copy.
 */
import type { CreateSource } from "../ast";
import { property } from "../ast";
import { KsqlException } from "../errors";
import { checkUpgrade, type DataSource, type MetaStore } from "../metastore";
import { formatElements, type Column, type LogicalSchema } from "../planner/schema";
import { formatType, quoteIfNeeded } from "../types";
import { checkFormats, formatsFrom, numberProperty, stringProperty, windowFrom } from "./source-properties";

export const RESERVED_COLUMNS = new Set(["ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"]);

export interface TopicSpecToCreate {
  name: string;
  partitions: number;
  replicationFactor?: number;
  config: Record<string, string>;
}

export interface TopicLookup {
  partitionCount(topic: string): number | undefined;
  /** The topic's retention.ms (-1 for none), when it exists. */
  retentionMs?(topic: string): number | undefined;
}

export interface CreateSourcePlan {
  /** Absent when IF NOT EXISTS found the name taken: nothing happens. */
  source?: DataSource;
  createTopic?: TopicSpecToCreate;
  message: string;
}

function typeWord(t: "STREAM" | "TABLE"): string {
  return t === "STREAM" ? "stream" : "table";
}

/**
 * What a CREATE does with its name: make a new source, nothing (IF NOT EXISTS found it),
 * or replace the existing one (OR REPLACE; whether the replacement is compatible is
 * checked once it is planned, see checkUpgrade).
 */
export function checkName(stmt: { name: string; sourceType: "STREAM" | "TABLE"; orReplace: boolean; ifNotExists: boolean; isSource?: boolean }, ms: MetaStore): "new" | "exists" | "replace" {
  const existing = ms.getSource(stmt.name);
  if (stmt.orReplace && (stmt.isSource || existing?.isSource)) {
    throw new KsqlException(`Cannot add ${typeWord(stmt.sourceType)} '${stmt.name}': CREATE OR REPLACE is not supported on source ${typeWord(stmt.sourceType)}s.`);
  }
  if (!existing) return "new";
  if (stmt.ifNotExists) return "exists";
  if (stmt.orReplace) return "replace";
  throw new KsqlException(`Cannot add ${typeWord(stmt.sourceType)} '${stmt.name}': A ${typeWord(existing.type)} with the same name already exists`);
}

function exampleWithPartitions(stmt: CreateSource): string {
  const cols = (stmt.elements ?? [])
    .map((e) => `${quoteIfNeeded(e.name)} ${formatType(e.type)}${e.constraint ? ` ${e.constraint}` : ""}`)
    .join(", ");
  const props = [...stmt.properties.filter((p) => p.name !== "PARTITIONS").map((p) => `${p.name}='${String(p.value)}'`), "PARTITIONS=2"];
  return `CREATE ${stmt.sourceType} ${quoteIfNeeded(stmt.name)} (${cols}) WITH (${props.join(", ")});`;
}

export function planCreateSource(stmt: CreateSource, ms: MetaStore, topics: TopicLookup): CreateSourcePlan {
  const created = `${stmt.sourceType === "STREAM" ? "Stream" : "Table"} created`;
  const status = checkName(stmt, ms);
  if (status === "exists") return { message: `A ${typeWord(ms.getSource(stmt.name)!.type)} with the name ${stmt.name} already exists.` };

  const elements = stmt.elements ?? [];
  if (elements.length === 0) throw new KsqlException("The statement does not define any columns.", stmt.nameLoc);
  for (const e of elements) {
    if (RESERVED_COLUMNS.has(e.name)) throw new KsqlException(`'${e.name}' is a reserved column name. You cannot use it as a name for a column.`, e.loc);
    if (e.constraint === "HEADERS" || e.constraint === "HEADER") throw new KsqlException(`Header columns are not supported here: ${e.name}.`, e.loc);
  }
  const topic = stringProperty(stmt.properties, "KAFKA_TOPIC");
  if (topic === undefined) throw new KsqlException("Missing required property \"KAFKA_TOPIC\" which has no default value.", stmt.nameLoc);

  let key: Column[] = elements.filter((e) => e.constraint === "KEY" || e.constraint === "PRIMARY KEY").map((e) => ({ name: e.name, type: e.type }));
  let value: Column[] = elements.filter((e) => e.constraint === undefined).map((e) => ({ name: e.name, type: e.type }));
  let keyFromValue: DataSource["keyFromValue"];
  const legacyKey = property(stmt.properties, "KEY");
  if (legacyKey) {
    if (key.length > 0) {
      throw new KsqlException("The KEY property names the key column of pre-0.10 statements; it cannot be used together with KEY or PRIMARY KEY columns.", legacyKey.loc);
    }
    const wanted = String(legacyKey.value);
    const col = value.find((c) => c.name === wanted) ?? value.find((c) => c.name === wanted.toUpperCase());
    if (!col) throw new KsqlException(`The KEY column set in the WITH clause does not exist in the schema: '${wanted}'`, legacyKey.loc);
    keyFromValue = { column: col.name, valueColumnsInTopic: value.map((c) => c.name) };
    key = [col];
    value = value.filter((c) => c !== col);
  }
  if (stmt.sourceType === "TABLE" && key.length === 0) throw new KsqlException("Tables require a PRIMARY KEY. Please define the PRIMARY KEY.", stmt.nameLoc);

  const schema: LogicalSchema = { key, value };
  const formats = formatsFrom(stmt.properties);
  checkFormats(keyFromValue ? [] : key, keyFromValue ? [...key, ...value] : value, formats);

  const tsName = stringProperty(stmt.properties, "TIMESTAMP");
  const tsFormat = stringProperty(stmt.properties, "TIMESTAMP_FORMAT");
  let timestamp: DataSource["timestamp"];
  if (tsName !== undefined) {
    const upper = tsName.toUpperCase();
    const col = [...key, ...value].find((c) => c.name === tsName) ?? [...key, ...value].find((c) => c.name === upper);
    const p = property(stmt.properties, "TIMESTAMP")!;
    if (!col) throw new KsqlException(`The TIMESTAMP column set in the WITH clause does not exist in the schema: '${upper}'`, p.loc);
    const ok = tsFormat !== undefined ? col.type.base === "STRING" : col.type.base === "BIGINT" || col.type.base === "TIMESTAMP";
    if (!ok) {
      throw new KsqlException(`Timestamp column, \`${col.name}\`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.`, p.loc);
    }
    timestamp = tsFormat !== undefined ? { column: col.name, format: tsFormat } : { column: col.name };
  } else if (tsFormat !== undefined) {
    throw new KsqlException("TIMESTAMP_FORMAT requires a TIMESTAMP column in the WITH clause.", property(stmt.properties, "TIMESTAMP_FORMAT")!.loc);
  }
  const window = windowFrom(stmt.properties);

  const partitions = numberProperty(stmt.properties, "PARTITIONS");
  const replicas = numberProperty(stmt.properties, "REPLICAS");
  const existing = topics.partitionCount(topic);
  let createTopic: TopicSpecToCreate | undefined;
  if (existing === undefined) {
    if (partitions === undefined) {
      throw new KsqlException(
        `Topic '${topic}' does not exist. If you want to create a new topic for the stream/table please re-run the statement providing the required 'PARTITIONS' configuration in the WITH clause (and optionally 'REPLICAS'). For example: ${exampleWithPartitions(stmt)}`,
      );
    }
    const config: Record<string, string> = { "cleanup.policy": stmt.sourceType === "TABLE" ? "compact" : "delete" };
    const retention = numberProperty(stmt.properties, "RETENTION_MS");
    if (retention !== undefined) {
      if (stmt.sourceType === "TABLE") throw new KsqlException("Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.");
      config["retention.ms"] = String(retention);
    }
    createTopic = { name: topic, partitions, ...(replicas !== undefined && replicas > 0 ? { replicationFactor: replicas } : {}), config };
  } else if (partitions !== undefined && partitions !== existing) {
    throw new KsqlException(
      `A Kafka topic with the name '${topic}' already exists, with different partition/replica configuration than required. KSQL expects ${partitions} partitions (topic has ${existing}).`,
    );
  }

  const source: DataSource = {
    name: stmt.name,
    type: stmt.sourceType,
    schema,
    topic,
    keyFormat: formats.key,
    valueFormat: formats.value,
    ...(timestamp ? { timestamp } : {}),
    ...(window ? { window } : {}),
    isSource: stmt.isSource,
    ...(keyFromValue ? { keyFromValue } : {}),
    statement: stmt.text,
  };
  const existingSource = status === "replace" ? ms.getSource(stmt.name)! : undefined;
  if (existingSource) {
    checkUpgrade(existingSource, source);
    // A CREATE … AS SELECT's sink keeps its query.
    if (existingSource.createdByQuery) return { source: { ...source, createdByQuery: existingSource.createdByQuery }, message: created };
  }
  return { source, ...(createTopic ? { createTopic } : {}), message: created };
}

/** The column list of a source as DESCRIBE and the editor show it. */
export function describeColumns(ds: DataSource): string {
  return formatElements(ds.schema, ds.type === "TABLE");
}
