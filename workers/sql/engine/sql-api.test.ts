import { describe, expect, it } from "vitest";
import { BrokerEngineApi, seamSafe } from "../../engine/engine-api";
import { WallClockDriver } from "../../runtime/wall-clock-driver";
import { MemoryStorage } from "../../storage/memory-storage";

async function startedApi() {
  const api = new BrokerEngineApi({
    wallTime: () => Date.UTC(2025, 0, 15, 9, 30),
    driveClock: (target) => new WallClockDriver({ ...target, playing: false, setTimer: () => () => {}, wallNow: () => 0 }),
    requestFrame: () => {},
  });
  await api.start(new MemoryStorage());
  return seamSafe(api);
}

describe("the workbench's SQL surface", () => {
  it("executes statements, follows a push query by id, and lists sources for completion", async () => {
    const api = await startedApi();
    const created = await api.executeSql(`CREATE STREAM prices (sym VARCHAR KEY, price DECIMAL(6, 2), tags MAP<VARCHAR, INT>) WITH (kafka_topic='prices', value_format='JSON', partitions=1);
      SELECT sym, price, tags FROM prices EMIT CHANGES LIMIT 2;`);
    expect(created.error).toBeUndefined();
    const pushId = created.results[1]!.pushQueryId!;
    expect(pushId).toMatch(/^transient_PRICES_\d+$/);
    // The workbench's broker delays a new group's first rebalance (group.initial.rebalance.delay.ms).
    await api.step(3000);
    await api.executeSql("INSERT INTO prices (sym, price, tags) VALUES ('A', 1.5, MAP('x' := 1)); INSERT INTO prices (sym, price, tags) VALUES ('B', 2.25, MAP('y' := 2));");
    const first = await api.pushQueryRows(pushId, 0);
    expect(first.columns.map((c) => c.name)).toEqual(["SYM", "PRICE", "TAGS"]);
    expect(first.rows).toEqual([
      ["A", 1.5, { x: 1 }],
      ["B", 2.25, { y: 2 }],
    ]);
    expect(first.state).toBe("DONE");
    const catalog = await api.sqlCatalog();
    expect(catalog.sources).toEqual([
      {
        name: "PRICES",
        type: "STREAM",
        topic: "prices",
        columns: [
          { name: "SYM", type: "VARCHAR(STRING)", key: true },
          { name: "PRICE", type: "DECIMAL(6, 2)", key: false },
          { name: "TAGS", type: "MAP<STRING, INTEGER>", key: false },
        ],
      },
    ]);
    expect(catalog.functions).toContain("TIMESTAMPTOSTRING");
    expect(catalog.functions).toContain("COUNT");
    expect(catalog.keywords).toEqual(expect.arrayContaining(["SELECT", "EMIT", "CHANGES", "TUMBLING", "HOPPING", "SESSION", "GRACE", "PARTITION"]));
  });

  it("EXPLAIN of a running query names its application, for the topology view", async () => {
    const api = await startedApi();
    const created = await api.executeSql(`CREATE STREAM s (id INT KEY, v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);
      CREATE TABLE c AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;`);
    const queryId = created.results[1]!.queryId!;
    const explained = await api.executeSql(`EXPLAIN ${queryId};`);
    expect(explained.results[0]!.explain).toEqual({ queryId, applicationId: `_confluent-ksql-default_query_${queryId}` });
    expect((await api.describeApplications()).map((a) => a.applicationId)).toContain(`_confluent-ksql-default_query_${queryId}`);
  });

  it("reports a failing statement with its position, and cancels a push query", async () => {
    const api = await startedApi();
    const bad = await api.executeSql("CREATE STREAM s (v INT) WITH (kafka_topic='s', value_format='JSON', partitions=1);\nSELECT v FROM nope EMIT CHANGES;");
    expect(bad.results.map((r) => r.message)).toEqual(["Stream created"]);
    expect(bad.error).toMatchObject({ statement: { index: 2 }, line: 2, column: 15, message: "NOPE does not exist.", kind: "statement" });
    const push = await api.executeSql("SELECT * FROM s EMIT CHANGES;");
    const id = push.results[0]!.pushQueryId!;
    await api.step(3000);
    await api.cancelPushQuery(id);
    expect((await api.pushQueryRows(id)).state).toBe("DONE");
    expect((await api.describeApplications()).find((a) => a.applicationId.endsWith(id))?.state).toBe("NOT_RUNNING");
  });
});
