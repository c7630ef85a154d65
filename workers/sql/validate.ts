/**
 * Checks ksqlDB makes while building its statement tree, before anything is looked up:
 * known WITH properties with values of the right kind, KEY versus PRIMARY KEY, one
 * definition per column, legal window sizes. Errors point at the offending text.
 */
import type { CreateAsSelect, CreateSource, Loc, Property, Query, Statement, WindowExpression } from "./ast";
import { SqlSyntaxError } from "./errors";

/** ksqlDB's CommonCreateConfigs: accepted by every CREATE. */
const COMMON = [
  "KAFKA_TOPIC",
  "PARTITIONS",
  "REPLICAS",
  "RETENTION_MS",
  "CLEANUP_POLICY",
  "TIMESTAMP",
  "TIMESTAMP_FORMAT",
  "VALUE_AVRO_SCHEMA_FULL_NAME",
  "KEY_SCHEMA_FULL_NAME",
  "VALUE_SCHEMA_FULL_NAME",
  "VALUE_FORMAT",
  "KEY_FORMAT",
  "FORMAT",
  "WRAP_SINGLE_VALUE",
  "KEY_PROTOBUF_NULLABLE_REPRESENTATION",
  "VALUE_PROTOBUF_NULLABLE_REPRESENTATION",
  "VALUE_DELIMITER",
  "KEY_DELIMITER",
  "KEY_SCHEMA_ID",
  "VALUE_SCHEMA_ID",
];

/**
 * CREATE STREAM/TABLE adds the window properties of an already-windowed topic and, for the
 * statements of pre-0.10 KSQL that talks still show, `KEY` naming the value column that
 * equals the record key.
 */
const CREATE_PROPERTIES = new Set([...COMMON, "WINDOW_TYPE", "WINDOW_SIZE", "SOURCE_CONNECTOR", "KEY"]);
const CREATE_AS_PROPERTIES = new Set(COMMON);

const INTEGER_PROPERTIES = new Set(["PARTITIONS", "REPLICAS", "RETENTION_MS", "KEY_SCHEMA_ID", "VALUE_SCHEMA_ID"]);
const BOOLEAN_PROPERTIES = new Set(["WRAP_SINGLE_VALUE"]);
const FORMATS = new Set(["JSON", "DELIMITED", "KAFKA", "AVRO", "PROTOBUF", "PROTOBUF_NOSR", "JSON_SR", "NONE"]);

function fail(loc: Loc, message: string, token = ""): never {
  throw new SqlSyntaxError(message, loc, token);
}

function checkProperties(props: readonly Property[], allowed: ReadonlySet<string>): void {
  const seen = new Set<string>();
  const unknown = props.filter((p) => !allowed.has(p.name));
  if (unknown.length > 0) {
    fail(unknown[0]!.loc, `Invalid config variable(s) in the WITH clause: ${unknown.map((p) => p.name).join(",")}`, unknown[0]!.name);
  }
  for (const p of props) {
    if (seen.has(p.name)) fail(p.loc, `Duplicate property ${p.name} in the WITH clause`, p.name);
    seen.add(p.name);
    if (INTEGER_PROPERTIES.has(p.name)) {
      const n = typeof p.value === "string" ? Number(p.value) : p.value;
      if (typeof n !== "number" || !Number.isInteger(n)) fail(p.loc, `Invalid value ${String(p.value)} for property ${p.name}: expected an integer`, p.name);
      if (p.name === "PARTITIONS" && n <= 0) fail(p.loc, `Invalid value ${n} for property PARTITIONS: must be a positive number`, p.name);
      if (p.name === "REPLICAS" && n <= 0 && n !== -1) fail(p.loc, `Invalid value ${n} for property REPLICAS: must be a positive number`, p.name);
    } else if (BOOLEAN_PROPERTIES.has(p.name)) {
      const v = typeof p.value === "string" ? p.value.toLowerCase() : p.value;
      if (v !== true && v !== false && v !== "true" && v !== "false") fail(p.loc, `Invalid value ${String(p.value)} for property ${p.name}: expected true or false`, p.name);
    } else if (p.name === "VALUE_FORMAT" || p.name === "KEY_FORMAT" || p.name === "FORMAT") {
      if (typeof p.value !== "string" || !FORMATS.has(p.value.toUpperCase())) fail(p.loc, `Unknown format: ${String(p.value)}`, p.name);
    } else if (typeof p.value !== "string" && p.value !== null) {
      fail(p.loc, `Invalid value ${String(p.value)} for property ${p.name}: expected a string`, p.name);
    }
  }
  const has = (n: string) => seen.has(n);
  if (has("FORMAT") && (has("KEY_FORMAT") || has("VALUE_FORMAT"))) {
    const p = props.find((x) => x.name === "FORMAT")!;
    fail(p.loc, "Cannot supply both 'VALUE_FORMAT' and 'FORMAT' or 'KEY_FORMAT' and 'FORMAT'. Use 'FORMAT' to set both formats at once.", "FORMAT");
  }
}

const KEY_HELP = "\nTables have PRIMARY KEYs, which are unique and NON NULL.\nStreams have KEYs, which have no uniqueness or NON NULL constraints.";

function checkCreateSource(s: CreateSource): void {
  checkProperties(s.properties, CREATE_PROPERTIES);
  const seen = new Set<string>();
  for (const e of s.elements ?? []) {
    if (seen.has(e.name)) fail(e.loc, `Duplicate column names: ${e.name}`, e.name);
    seen.add(e.name);
    if (s.sourceType === "STREAM" && e.constraint === "PRIMARY KEY") {
      fail(e.loc, `Column ${e.name} is a 'PRIMARY KEY' column: please use 'KEY' for streams.${KEY_HELP}`, e.name);
    }
    if (s.sourceType === "TABLE" && e.constraint === "KEY") {
      fail(e.loc, `Column ${e.name} is a 'KEY' column: please use 'PRIMARY KEY' for tables.${KEY_HELP}`, e.name);
    }
  }
}

function checkWindow(w: WindowExpression): void {
  const size = w.kind === "SESSION" ? w.gap : w.size;
  if (size.ms <= 0) fail(size.loc, `Window ${w.kind === "SESSION" ? "gap" : "size"} must be positive`);
  // Kafka Streams' TimeWindows.advanceBy message, which ksqlDB passes through.
  if (w.kind === "HOPPING" && (w.advance.ms <= 0 || w.advance.ms > w.size.ms)) {
    fail(w.advance.loc, "Window advancement interval should be more than zero and less than window duration");
  }
  if (w.grace && w.grace.ms < 0) fail(w.grace.loc, "Grace period must not be negative");
}

function checkQuery(q: Query): void {
  if (q.window) checkWindow(q.window);
  for (const j of q.joins) {
    if (j.within) {
      if (j.within.before.ms < 0 || j.within.after.ms < 0) fail(j.within.loc, "Join window bounds must not be negative");
      if (j.within.grace && j.within.grace.ms < 0) fail(j.within.grace.loc, "Grace period must not be negative");
    }
  }
  if (q.emit === "FINAL" && !q.window) fail(q.loc, "EMIT FINAL is only supported for windowed aggregations.", "FINAL");
}

function checkCreateAs(s: CreateAsSelect): void {
  checkProperties(s.properties, CREATE_AS_PROPERTIES);
  checkQuery(s.query);
}

export function validateStatement(s: Statement): void {
  switch (s.kind) {
    case "CreateSource":
      checkCreateSource(s);
      break;
    case "CreateAsSelect":
      checkCreateAs(s);
      break;
    case "InsertInto":
      checkProperties(s.properties, new Set(["QUERY_ID"]));
      checkQuery(s.query);
      break;
    case "QueryStatement":
      checkQuery(s.query);
      break;
    case "Explain":
      if (s.statement) validateStatement(s.statement);
      break;
    default:
      break;
  }
}
