import { describe, expect, it } from "vitest";
import type { SqlCatalog } from "../../engine-client/workbench-types";
import { currentStatement, referencedSources, sqlSuggestions } from "./sql-completion";

const catalog: SqlCatalog = {
  keywords: ["SELECT", "FROM", "EMIT", "CHANGES"],
  functions: ["COUNT", "UCASE"],
  queries: [],
  processingLog: [],
  sources: [
    { name: "PAGEVIEWS", type: "STREAM", topic: "pageviews", columns: [{ name: "USERID", type: "VARCHAR(STRING)", key: true }, { name: "PAGEID", type: "VARCHAR(STRING)", key: false }] },
    { name: "USERS", type: "TABLE", topic: "users", columns: [{ name: "ID", type: "VARCHAR(STRING)", key: true }, { name: "REGION", type: "VARCHAR(STRING)", key: false }] },
    { name: "Mixed Case", type: "STREAM", topic: "mixed", columns: [{ name: "v", type: "INTEGER", key: false }] },
  ],
};

const labels = (text: string, after = "") => sqlSuggestions(text, after, catalog).map((s) => `${s.kind}:${s.label}`);

describe("SQL completion", () => {
  it("after FROM, JOIN, INTO, DESCRIBE and DROP … it offers streams and tables", () => {
    expect(labels("SELECT * FROM ")).toEqual(["source:PAGEVIEWS", "source:USERS", "source:Mixed Case"]);
    expect(labels("SELECT * FROM pageviews p LEFT JOIN us")).toEqual(["source:PAGEVIEWS", "source:USERS", "source:Mixed Case"]);
    expect(labels("DESCRIBE EXTENDED ")).toContain("source:USERS");
    expect(labels("DROP TABLE ")).toContain("source:USERS");
  });

  it("after `alias.` it offers that source's columns, the alias from FROM or JOIN, before or after the cursor", () => {
    expect(labels("SELECT p.", " FROM pageviews p JOIN users AS u ON p.userid = u.id;")).toEqual(["column:USERID", "column:PAGEID"]);
    expect(labels("SELECT p.userid, u.", " FROM pageviews p JOIN users AS u ON p.userid = u.id;")).toEqual(["column:ID", "column:REGION"]);
    expect(labels("SELECT users.reg", " FROM users;")).toEqual(["column:ID", "column:REGION"]);
    expect(labels("SELECT `Mixed Case`.", " FROM `Mixed Case`;")).toEqual(["column:v"]);
  });

  it("elsewhere: the statement's columns first, then keywords, functions and sources", () => {
    const all = sqlSuggestions("SELECT pa", " FROM pageviews EMIT CHANGES;", catalog);
    expect(all.slice(0, 2).map((s) => s.label)).toEqual(["USERID", "PAGEID"]);
    expect(all.find((s) => s.label === "EMIT")).toMatchObject({ kind: "keyword", rank: 1 });
    expect(all.find((s) => s.label === "UCASE")).toMatchObject({ kind: "function", rank: 2 });
    expect(all.find((s) => s.label === "USERID")).toMatchObject({ detail: "VARCHAR(STRING) KEY · PAGEVIEWS", rank: 0 });
  });

  it("looks only at the statement the cursor is in", () => {
    expect(currentStatement("SELECT * FROM users; -- a ; comment\nSELECT 'a;b', ")).toBe(" -- a ; comment\nSELECT 'a;b', ");
    expect(labels("SELECT * FROM users;\nSELECT ", " FROM pageviews;").slice(0, 2)).toEqual(["column:USERID", "column:PAGEID"]);
    expect([...referencedSources("SELECT * FROM pageviews WHERE x", catalog).keys()]).toEqual(["PAGEVIEWS"]);
  });
});
