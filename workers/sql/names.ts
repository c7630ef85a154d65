/**
 * Output column names of a SELECT, as ksqlDB chooses them (AstSanitizer + ColumnNames):
 *
 * - an alias wins;
 * - a column keeps its name, except that in a join a qualified column whose name exists in
 *   more than one source becomes `SOURCE_NAME` (`PAGEVIEWS_USERID`);
 * - a struct field `A->B` is named after the field, `B`, then `B_1`, `B_2`... on clashes;
 * - anything else is `KSQL_COL_0`, `KSQL_COL_1`, ... counting only unnamed expressions.
 *
 * Generated names skip numbers already used by source columns of the same stem
 * (a source column `KSQL_COL_0` makes the first generated name `KSQL_COL_1`).
 */
import type { SelectItem } from "./ast";

export interface SourceColumns {
  /** The name the query uses for the source: its alias if it has one. */
  source: string;
  columns: readonly string[];
}

const GENERATED_PREFIX = "KSQL_COL";
const NUMBERED = /^(.*?)(?:_(\d+))?$/;

function stemAndNumber(name: string): [string, number] {
  const m = NUMBERED.exec(name)!;
  return [m[1]!, m[2] === undefined ? 0 : Number(m[2])];
}

class AliasGenerator {
  private next = 0;

  constructor(
    private readonly prefix: string,
    private readonly used: ReadonlySet<number>,
  ) {}

  generate(): string {
    let idx: number;
    do idx = this.next++;
    while (this.used.has(idx));
    // Field-name aliases drop the _0 suffix; KSQL_COL never does.
    return idx === 0 && this.prefix !== GENERATED_PREFIX ? this.prefix : `${this.prefix}_${idx}`;
  }
}

/**
 * The names of the select items, aligned with `select`; `*`, `src.*` and `struct->*`
 * expand to several columns and are left to the caller (undefined).
 */
export function outputColumnNames(select: readonly SelectItem[], sources: readonly SourceColumns[]): (string | undefined)[] {
  const used = new Map<string, Set<number>>();
  for (const s of sources) {
    for (const c of s.columns) {
      const [stem, n] = stemAndNumber(c);
      let set = used.get(stem);
      if (!set) used.set(stem, (set = new Set()));
      set.add(n);
    }
  }
  const generators = new Map<string, AliasGenerator>();
  const generator = (stem: string) => {
    let g = generators.get(stem);
    if (!g) generators.set(stem, (g = new AliasGenerator(stem, used.get(stem) ?? new Set())));
    return g;
  };
  const owners = (column: string) => sources.filter((s) => s.columns.includes(column)).length;

  return select.map((item) => {
    if (item.kind !== "SingleColumn") return undefined;
    if (item.alias !== undefined) return item.alias;
    const e = item.expression;
    if (e.kind === "ColumnRef") {
      return e.source !== undefined && sources.length > 1 && owners(e.name) > 1 ? `${e.source}_${e.name}` : e.name;
    }
    if (e.kind === "Dereference") return generator(stemAndNumber(e.field)[0]).generate();
    return generator(GENERATED_PREFIX).generate();
  });
}
