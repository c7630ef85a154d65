/**
 * Reading a stream or table: the topic's bytes through the declared formats, event time
 * from the TIMESTAMP column, then one step that turns each record into a row holding its
 * value columns, key columns and pseudo columns (ksqlDB's KSTREAM-PROCESSVALUES step right
 * after the source). Records that cannot be read are reported and skipped.
 */
import { Consumed, type ConsumedRecord } from "../../streams/consumed";
import type { KStream } from "../../streams/kstream";
import { Materialized } from "../../streams/materialized";
import { Named } from "../../streams/named";
import type { Processor, ProcessorContext } from "../../streams/processor/processor-context";
import type { Record as StreamRecord } from "../../streams/record";
import type { StreamsBuilder } from "../../streams/streams-builder";
import { WindowedSerdes, type Serde } from "../../streams/serdes";
import { Windowed } from "../../streams/windowed";
import type { ScopeColumn } from "../expressions/evaluate";
import { parseToInstant } from "../functions/java-time";
import type { DataSource } from "../metastore";
import { SqlTypes } from "../types";
import type { Row } from "../values";
import type { PlanContext } from "./context";
import type { KeyColumn, Relation } from "./relation";
import { BadRecord, internalSerde, keySerde, valueSerde } from "./serdes";
import type { Column } from "./schema";

/** Marks a row whose TIMESTAMP column could not be read; the source step drops it. */
const INVALID_TIMESTAMP = Symbol("invalidTimestamp");

export const PSEUDO_COLUMN_NAMES = ["ROWTIME", "ROWPARTITION", "ROWOFFSET", "WINDOWSTART", "WINDOWEND"] as const;

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The columns as they sit in the topic: with the legacy KEY property the key is in the value. */
export function physicalColumns(ds: DataSource): { key: Column[]; value: Column[] } {
  if (!ds.keyFromValue) return { key: [...ds.schema.key], value: [...ds.schema.value] };
  const all = [...ds.schema.key, ...ds.schema.value];
  return { key: [], value: ds.keyFromValue.valueColumnsInTopic.map((n) => all.find((c) => c.name === n)!) };
}

export function sourceKeySerde(ds: DataSource): Serde<unknown> {
  const inner = keySerde(physicalColumns(ds).key, ds.keyFormat);
  if (!ds.window) return inner;
  if (ds.window.type === "SESSION") return WindowedSerdes.sessionWindowedSerdeFrom(inner) as Serde<unknown>;
  return WindowedSerdes.timeWindowedSerdeFrom(inner, ds.window.sizeMs) as Serde<unknown>;
}

function timestampExtractor(ds: DataSource, ctx: PlanContext): ((r: ConsumedRecord) => number) | undefined {
  const ts = ds.timestamp;
  if (!ts) return undefined;
  const column = ts.column;
  const keyIndex = ds.keyFromValue ? -1 : ds.schema.key.findIndex((c) => c.name === column);
  const multiKey = ds.schema.key.length > 1;
  const format = ts.format;
  return (r) => {
    const v = r.value;
    if (v === null || v instanceof BadRecord) return r.timestamp;
    let raw: unknown;
    if (keyIndex >= 0) {
      const k = r.key instanceof Windowed ? r.key.key() : r.key;
      raw = multiKey ? (k as unknown[] | null)?.[keyIndex] : k;
    } else {
      raw = (v as Row)[column];
    }
    let t: number | undefined;
    if (typeof raw === "number") t = raw;
    else if (typeof raw === "string" && format !== undefined) {
      try {
        t = parseToInstant(raw, format, "UTC");
      } catch (e) {
        ctx.processingLog({ queryId: ctx.queryId, message: `Failed to parse timestamp '${raw}' with format '${format}': ${errorText(e)}`, topic: r.topic, partition: r.partition, offset: r.offset });
      }
    }
    if (t === undefined || !(t >= 0)) {
      (v as Record<symbol, unknown>)[INVALID_TIMESTAMP] = true;
      if (t === undefined && raw === null) {
        ctx.processingLog({ queryId: ctx.queryId, message: `Timestamp column ${column} is null: the record is skipped.`, topic: r.topic, partition: r.partition, offset: r.offset });
      }
      return r.timestamp >= 0 ? r.timestamp : 0;
    }
    return t;
  };
}

/** Processor that turns a deserialized record into a row with key and pseudo columns. */
function sourceRowProcessor(ds: DataSource, ctx: PlanContext, stream: boolean): () => Processor<unknown, unknown, unknown, unknown> {
  const offsets = stream && ctx.readsOffsets !== false;
  const keyNames = ds.keyFromValue ? [] : ds.schema.key.map((c) => c.name);
  const windowed = ds.window !== undefined;
  return () => {
    let pc: ProcessorContext<unknown, unknown>;
    return {
      init(c) {
        pc = c;
      },
      process(record: StreamRecord<unknown, unknown>) {
        let k = record.key();
        const v = record.value();
        if (k instanceof BadRecord || v instanceof BadRecord) {
          const bad = (k instanceof BadRecord ? k : v) as BadRecord;
          const m = pc.recordMetadata();
          ctx.processingLog({
            queryId: ctx.queryId,
            message: `Failed to deserialize ${bad.part} from ${ds.topic}: ${errorText(bad.error)}`,
            ...(m ? { topic: m.topic(), partition: m.partition(), offset: m.offset() } : {}),
          });
          return;
        }
        if (v === null) {
          pc.forward(record);
          return;
        }
        const row = v as Row;
        if ((row as Record<symbol, unknown>)[INVALID_TIMESTAMP]) return;
        let windowStart: number | undefined;
        let windowEnd: number | undefined;
        if (windowed && k instanceof Windowed) {
          windowStart = k.window().start();
          windowEnd = k.window().end();
          k = k.key();
        }
        if (keyNames.length === 1) row[keyNames[0]!] = k;
        else if (keyNames.length > 1) {
          const parts = k as unknown[] | null;
          for (let i = 0; i < keyNames.length; i++) row[keyNames[i]!] = parts?.[i] ?? null;
        }
        row.ROWTIME = record.timestamp();
        if (offsets) {
          const m = pc.recordMetadata();
          row.ROWPARTITION = m ? m.partition() : null;
          row.ROWOFFSET = m ? m.offset() : null;
        }
        if (windowStart !== undefined) {
          row.WINDOWSTART = windowStart;
          row.WINDOWEND = windowEnd;
        }
        pc.forward(record.withValue(row));
      },
    };
  };
}

export function sourceScope(ds: DataSource, alias: string): ScopeColumn[] {
  const scope: ScopeColumn[] = [...ds.schema.key, ...ds.schema.value].map((c) => ({ name: c.name, type: c.type, source: alias }));
  scope.push({ name: "ROWTIME", type: SqlTypes.BIGINT, source: alias });
  if (ds.type === "STREAM") {
    scope.push({ name: "ROWPARTITION", type: SqlTypes.INTEGER, source: alias });
    scope.push({ name: "ROWOFFSET", type: SqlTypes.BIGINT, source: alias });
  }
  if (ds.window) {
    scope.push({ name: "WINDOWSTART", type: SqlTypes.BIGINT, source: alias });
    scope.push({ name: "WINDOWEND", type: SqlTypes.BIGINT, source: alias });
  }
  return scope;
}

export interface SourceOptions {
  /** Store and processor name stem for a table source ("KsqlTopic", "KafkaTopic_Left", ...). */
  contextName: string;
  /** auto.offset.reset for the source (push queries honour the session's setting). */
  offsetReset?: "earliest" | "latest";
}

/** A relation reading `ds` under `alias`. */
export function planSource(builder: StreamsBuilder, ds: DataSource, alias: string, ctx: PlanContext, options: SourceOptions): Relation {
  const physical = physicalColumns(ds);
  const kSerde = sourceKeySerde(ds);
  const vSerde = valueSerde(physical.value, ds.valueFormat);
  let consumed = Consumed.with<unknown, unknown>(kSerde, vSerde);
  const extractor = timestampExtractor(ds, ctx);
  if (extractor) consumed = consumed.withTimestampExtractor(extractor);
  if (options.offsetReset) consumed = consumed.withOffsetResetPolicy(options.offsetReset);
  let stream: KStream<unknown, unknown> = builder.stream(ds.topic, consumed).processValues(sourceRowProcessor(ds, ctx, ds.type === "STREAM"));
  const key: KeyColumn[] = ds.schema.key.map((c) => ({ name: c.name, type: c.type, slot: c.name, text: `${alias}.${c.name}`, source: alias }));
  if (ds.keyFromValue) {
    const column = ds.keyFromValue.column;
    // The record key is not trusted to be the column: re-key, so any join or grouping
    // downstream repartitions on the column's own serialized form.
    stream = stream.selectKey((_k, v): unknown => (v === null ? null : ((v as Row)[column] ?? null)));
  }
  const relation: Relation = {
    kind: ds.type === "STREAM" ? "stream" : "table",
    scope: sourceScope(ds, alias),
    key,
    keyAliases: [],
    keyFormat: ds.keyFormat,
    valueFormat: ds.valueFormat,
    sources: [{ alias, source: ds }],
    ...(ds.window ? { window: ds.window } : {}),
  };
  if (ds.type === "STREAM") {
    relation.stream = stream;
    return relation;
  }
  const materialized = Materialized.as<unknown, unknown>(`${options.contextName}-Reduce`)
    .withKeySerde(ds.keyFromValue ? keySerde(ds.schema.key, ds.keyFormat) : kSerde)
    .withValueSerde(internalSerde);
  // Re-keyed from the value: the table reads its rows back through `<context>-KeyFromValue-repartition`.
  relation.table = ds.keyFromValue ? stream.toTable(Named.as(`${options.contextName}-KeyFromValue`), materialized) : stream.toTable(materialized);
  return relation;
}
