/**
 * The WITH clause of CREATE statements read into formats and topic settings, with ksqlDB's
 * defaults (KEY_FORMAT KAFKA; VALUE_FORMAT required) and its checks: only JSON, DELIMITED
 * and KAFKA are available here; the key columns must fit the key format.
 */
import { property, type Property } from "../ast";
import { KsqlException, SerializationException } from "../errors";
import { delimiterOf } from "../format/formats";
import type { Column, FormatInfo, FormatName, WindowInfo, WindowType } from "../planner/schema";
import { keySerde, valueSerde } from "../planner/serdes";
import { TIME_UNIT_MS, type TimeUnit } from "../ast";

const SUPPORTED: readonly FormatName[] = ["JSON", "DELIMITED", "KAFKA"];

function at(p: Property): { line: number; column: number } {
  return { line: p.loc.line, column: p.loc.column };
}

export function stringProperty(props: readonly Property[], name: string): string | undefined {
  const p = property(props, name);
  return p === undefined || p.value === null ? undefined : String(p.value);
}

export function numberProperty(props: readonly Property[], name: string): number | undefined {
  const p = property(props, name);
  return p === undefined || p.value === null ? undefined : Number(p.value);
}

function formatName(p: Property): FormatName {
  const name = String(p.value).toUpperCase();
  if (!(SUPPORTED as readonly string[]).includes(name)) {
    throw new KsqlException(`The '${name}' format is not available in streamlab: use ${SUPPORTED.join(", ")}.`, at(p));
  }
  return name as FormatName;
}

export interface Formats {
  key: FormatInfo;
  value: FormatInfo;
}

/**
 * Key and value formats from KEY_FORMAT / VALUE_FORMAT / FORMAT; `inherited` (the source's
 * formats, for CREATE ... AS SELECT) fills what is not given. Without either, the value
 * format is required, as in ksqlDB without a default configured.
 */
export function formatsFrom(props: readonly Property[], inherited?: Formats): Formats {
  const both = property(props, "FORMAT");
  const keyP = property(props, "KEY_FORMAT");
  const valueP = property(props, "VALUE_FORMAT");
  let key: FormatInfo | undefined = both ? { format: formatName(both) } : keyP ? { format: formatName(keyP) } : undefined;
  let value: FormatInfo | undefined = both ? { format: formatName(both) } : valueP ? { format: formatName(valueP) } : undefined;
  if (!value) {
    if (!inherited) {
      throw new KsqlException(
        "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config.",
      );
    }
    value = { format: inherited.value.format };
    if (inherited.value.delimiter !== undefined && value.format === "DELIMITED") value = { ...value, delimiter: inherited.value.delimiter };
  }
  key ??= inherited ? { format: inherited.key.format } : { format: "KAFKA" };
  const valueDelimiter = property(props, "VALUE_DELIMITER");
  if (valueDelimiter) {
    if (value.format !== "DELIMITED") throw new KsqlException("VALUE_DELIMITER can only be used with VALUE_FORMAT='DELIMITED'", at(valueDelimiter));
    value = { ...value, delimiter: checkedDelimiter(valueDelimiter) };
  }
  const keyDelimiter = property(props, "KEY_DELIMITER");
  if (keyDelimiter) {
    if (key.format !== "DELIMITED") throw new KsqlException("KEY_DELIMITER can only be used with KEY_FORMAT='DELIMITED'", at(keyDelimiter));
    key = { ...key, delimiter: checkedDelimiter(keyDelimiter) };
  }
  const wrap = property(props, "WRAP_SINGLE_VALUE");
  if (wrap) value = { ...value, wrapSingleValue: String(wrap.value).toLowerCase() === "true" };
  return { key, value };
}

function checkedDelimiter(p: Property): string {
  try {
    delimiterOf(String(p.value));
  } catch (e) {
    throw new KsqlException((e as Error).message, at(p));
  }
  return String(p.value);
}

/** Whether the formats can carry these columns (KAFKA: one primitive column; DELIMITED: no structs). */
export function checkFormats(key: readonly Column[], value: readonly Column[], formats: Formats): void {
  try {
    keySerde(key, formats.key);
  } catch (e) {
    if (e instanceof SerializationException) throw new KsqlException(`Key format ${formats.key.format} cannot hold the key: ${e.message}`);
    throw e;
  }
  if (value.length === 0) return;
  try {
    valueSerde(value, formats.value);
  } catch (e) {
    if (e instanceof SerializationException) throw new KsqlException(`Value format ${formats.value.format} cannot hold the value: ${e.message}`);
    throw e;
  }
}

const UNIT_WORDS: Record<string, TimeUnit> = {
  MILLISECOND: "MILLISECONDS",
  MILLISECONDS: "MILLISECONDS",
  SECOND: "SECONDS",
  SECONDS: "SECONDS",
  MINUTE: "MINUTES",
  MINUTES: "MINUTES",
  HOUR: "HOURS",
  HOURS: "HOURS",
  DAY: "DAYS",
  DAYS: "DAYS",
};

/** WINDOW_TYPE / WINDOW_SIZE of a topic that already holds windowed keys. */
export function windowFrom(props: readonly Property[]): WindowInfo | undefined {
  const typeP = property(props, "WINDOW_TYPE");
  const sizeP = property(props, "WINDOW_SIZE");
  if (!typeP) {
    if (sizeP) throw new KsqlException("WINDOW_SIZE is only valid together with WINDOW_TYPE.", at(sizeP));
    return undefined;
  }
  const type = String(typeP.value).toUpperCase() as WindowType;
  if (type !== "TUMBLING" && type !== "HOPPING" && type !== "SESSION") {
    throw new KsqlException(`Invalid WINDOW_TYPE '${String(typeP.value)}': expected SESSION, HOPPING or TUMBLING.`, at(typeP));
  }
  if (type === "SESSION") {
    if (sizeP) throw new KsqlException("'WINDOW_SIZE' should not be set for SESSION windows.", at(sizeP));
    return { type };
  }
  if (!sizeP) throw new KsqlException(`Tumbling and Hopping window types should set 'WINDOW_SIZE' in the WITH clause.`, at(typeP));
  const m = /^\s*(\d+)\s+([A-Za-z]+)\s*$/.exec(String(sizeP.value));
  const unit = m ? UNIT_WORDS[m[2]!.toUpperCase()] : undefined;
  if (!m || !unit) throw new KsqlException(`Invalid WINDOW_SIZE '${String(sizeP.value)}': expected a number and a unit, e.g. '30 SECONDS'.`, at(sizeP));
  return { type, sizeMs: Number(m[1]) * TIME_UNIT_MS[unit] };
}
