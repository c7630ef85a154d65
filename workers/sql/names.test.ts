import { describe, expect, it } from "vitest";
import type { QueryStatement } from "./ast";
import { outputColumnNames, type SourceColumns } from "./names";
import { parseStatement } from "./parse";

function names(sql: string, sources: SourceColumns[]): (string | undefined)[] {
  return outputColumnNames((parseStatement(sql) as QueryStatement).query.select, sources);
}

describe("output column names", () => {
  const one: SourceColumns[] = [{ source: "S", columns: ["ID", "ADDRESS", "CITY"] }];

  it("aliases, column names and KSQL_COL_n for unnamed expressions", () => {
    expect(names("SELECT id, COUNT(*), id + 1 AS next, UCASE(city) FROM s GROUP BY id EMIT CHANGES", one)).toEqual(["ID", "KSQL_COL_0", "NEXT", "KSQL_COL_1"]);
  });

  it("struct fields are named after the field, numbered on clashes with source columns", () => {
    expect(names("SELECT address->street, address->city, address->zip FROM s EMIT CHANGES", one)).toEqual(["STREET", "CITY_1", "ZIP"]);
    expect(names("SELECT a->x, b->x FROM s EMIT CHANGES", one)).toEqual(["X", "X_1"]);
  });

  it("generated names skip numbers taken by source columns", () => {
    expect(names("SELECT 1 + 1, 2 + 2 FROM s EMIT CHANGES", [{ source: "S", columns: ["KSQL_COL_0", "KSQL_COL_2"] }])).toEqual(["KSQL_COL_1", "KSQL_COL_3"]);
  });

  it("a qualified column present in several joined sources is prefixed with its source", () => {
    const sources: SourceColumns[] = [
      { source: "PAGEVIEWS", columns: ["USERID", "PAGEID"] },
      { source: "USERS", columns: ["USERID", "REGIONID"] },
    ];
    expect(names("SELECT pageviews.userid, users.userid, users.regionid, pageid FROM pageviews JOIN users ON pageviews.userid = users.userid EMIT CHANGES", sources)).toEqual([
      "PAGEVIEWS_USERID",
      "USERS_USERID",
      "REGIONID",
      "PAGEID",
    ]);
  });

  it("star items are left to the caller", () => {
    expect(names("SELECT *, id FROM s EMIT CHANGES", one)).toEqual([undefined, "ID"]);
  });
});
