/**
 * What the SQL tab suggests where the cursor is, from the engine's catalog: after FROM,
 * JOIN, INTO, DESCRIBE or DROP … the streams and tables; after `alias.` the columns of
 * that source; elsewhere the columns of the sources the statement names first, then
 * keywords, functions and sources. Plain data, so it is tested without Monaco.
 */
import type { SqlCatalog } from "../../engine-client/workbench-types";

export type SuggestionKind = "column" | "source" | "keyword" | "function";

export interface Suggestion {
  label: string;
  kind: SuggestionKind;
  detail?: string;
  /** Orders the list: lower first. */
  rank: number;
}

type Source = SqlCatalog["sources"][number];

const SOURCE_AFTER = new Set(["FROM", "JOIN", "INTO", "DESCRIBE", "EXTENDED", "EXPLAIN", "STREAM", "TABLE"]);
const NOT_ALIASES = new Set(["WHERE", "JOIN", "LEFT", "RIGHT", "FULL", "INNER", "OUTER", "ON", "WITHIN", "WINDOW", "GROUP", "PARTITION", "HAVING", "EMIT", "LIMIT", "WITH"]);

/** Unquoted names are upper-cased, quoted ones kept, as the engine reads them. */
function nameOf(word: string): string {
  if (word.length >= 2 && (word.startsWith("`") || word.startsWith('"'))) return word.slice(1, -1);
  return word.toUpperCase();
}

/** The text of the statement the cursor is in, up to the cursor: after the last `;` outside quotes. */
export function currentStatement(textBefore: string): string {
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < textBefore.length; i++) {
    const c = textBefore[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === "`") quote = c;
    else if (c === "-" && textBefore[i + 1] === "-") {
      const nl = textBefore.indexOf("\n", i);
      if (nl < 0) break;
      i = nl;
    } else if (c === ";") start = i + 1;
  }
  return textBefore.slice(start);
}

/** The sources a statement names in FROM and JOIN, by name and by alias. */
export function referencedSources(statement: string, catalog: SqlCatalog): Map<string, Source> {
  const out = new Map<string, Source>();
  const re = /\b(?:FROM|JOIN)\s+(`[^`]+`|"[^"]+"|[A-Za-z_][\w@]*)(?:\s+(?:AS\s+)?([A-Za-z_][\w@]*))?/gi;
  for (const m of statement.matchAll(re)) {
    const source = catalog.sources.find((s) => s.name === nameOf(m[1]!));
    if (!source) continue;
    out.set(source.name, source);
    const alias = m[2]?.toUpperCase();
    if (alias && !NOT_ALIASES.has(alias)) out.set(alias, source);
  }
  return out;
}

function columnsOf(source: Source, rank: number): Suggestion[] {
  return source.columns.map((c) => ({ label: c.name, kind: "column" as const, detail: `${c.type}${c.key ? " KEY" : ""} · ${source.name}`, rank }));
}

function sourceSuggestions(catalog: SqlCatalog, rank: number): Suggestion[] {
  return catalog.sources.map((s) => ({ label: s.name, kind: "source" as const, detail: `${s.type} on ${s.topic}`, rank }));
}

/**
 * Suggestions at the cursor: `textBefore` and `textAfter` are the document's text before
 * and after it (the statement's FROM clause may follow the cursor).
 */
export function sqlSuggestions(textBefore: string, textAfter: string, catalog: SqlCatalog): Suggestion[] {
  const statement = currentStatement(textBefore);
  const end = textAfter.indexOf(";");
  const whole = statement + (end < 0 ? textAfter : textAfter.slice(0, end));
  const qualified = /(`[^`]+`|"[^"]+"|[A-Za-z_][\w@]*)\.[\w@]*$/.exec(statement);
  if (qualified) {
    const source = referencedSources(whole, catalog).get(nameOf(qualified[1]!)) ?? catalog.sources.find((s) => s.name === nameOf(qualified[1]!));
    return source ? columnsOf(source, 0) : [];
  }
  const words = statement.replace(/[\w@]*$/, "").trim().split(/\s+/);
  const previous = (words[words.length - 1] ?? "").toUpperCase();
  if (SOURCE_AFTER.has(previous)) return sourceSuggestions(catalog, 0);
  const columns = [...new Set(referencedSources(whole, catalog).values())].flatMap((s) => columnsOf(s, 0));
  return [
    ...columns,
    ...catalog.keywords.map((k) => ({ label: k, kind: "keyword" as const, rank: 1 })),
    ...catalog.functions.map((f) => ({ label: f, kind: "function" as const, rank: 2 })),
    ...sourceSuggestions(catalog, 3),
  ];
}
