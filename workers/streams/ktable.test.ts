import { describe, expect, it } from "vitest";
import { KeyValue, Materialized, StreamsBuilder, TopologyTestDriver, type KTable } from "./index";

function tableDriver<V>(build: (t: KTable<string, V>, b: StreamsBuilder) => void, opts: { materialized?: boolean } = {}) {
  const b = new StreamsBuilder();
  const table = opts.materialized ? b.table<string, V>("t", Materialized.as("source-store")) : b.table<string, V>("t");
  build(table, b);
  const driver = new TopologyTestDriver(b.build(), { applicationId: "tbl" });
  return { driver, input: driver.createInputTopic<string, V | null>("t") };
}

const kvs = (driver: TopologyTestDriver, topic: string) => driver.createOutputTopic(topic).readKeyValuesToList().map((kv) => [kv.key, kv.value]);

describe("KTable", () => {
  it("a table source upserts and deletes; toStream shows every update, deletes as null", () => {
    const { driver, input } = tableDriver<number>((t) => t.toStream().to("out"), { materialized: true });
    input.pipeInput("a", 1, 1);
    input.pipeInput("a", 2, 2);
    input.pipeInput("a", null, 3);
    expect(kvs(driver, "out")).toEqual([
      ["a", 1],
      ["a", 2],
      ["a", null],
    ]);
    expect(driver.getKeyValueStore("source-store")!.get("a")).toBeNull();
  });

  it("filter turns a failing row into a tombstone (unmaterialized source: even when there was nothing to delete)", () => {
    const { driver, input } = tableDriver<number>((t) => t.filter((_k, v) => v > 10).toStream().to("out"));
    input.pipeInput("a", 5, 1);
    input.pipeInput("a", 50, 2);
    input.pipeInput("a", 6, 3);
    expect(kvs(driver, "out")).toEqual([
      ["a", null],
      ["a", 50],
      ["a", null],
    ]);
  });

  it("filter over a materialized source knows the old value and skips pointless tombstones", () => {
    const { driver, input } = tableDriver<number>((t) => t.filter((_k, v) => v > 10).toStream().to("out"), { materialized: true });
    input.pipeInput("a", 5, 1);
    input.pipeInput("a", 50, 2);
    input.pipeInput("a", 6, 3);
    input.pipeInput("a", 7, 4);
    expect(kvs(driver, "out")).toEqual([
      ["a", 50],
      ["a", null],
    ]);
  });

  it("mapValues maps values and keeps deletes; a named Materialized makes the result queryable", () => {
    const { driver, input } = tableDriver<string>((t) => t.mapValues((v) => v.length, Materialized.as("lengths")).toStream().to("out"));
    input.pipeInput("a", "abc", 1);
    input.pipeInput("a", null, 2);
    input.pipeInput("b", "hello", 3);
    expect(kvs(driver, "out")).toEqual([
      ["a", 3],
      ["a", null],
      ["b", 5],
    ]);
    expect(driver.getKeyValueStore("lengths")!.get("b")).toBe(5);
  });

  it("groupBy().count(): moving a row subtracts from the old group and adds to the new one", () => {
    const { driver, input } = tableDriver<{ region: string }>((t) =>
      t
        .groupBy((user, v) => KeyValue.pair(v.region, user))
        .count()
        .toStream()
        .to("per-region"),
    );
    input.pipeInput("alice", { region: "eu" }, 1);
    input.pipeInput("bob", { region: "eu" }, 2);
    input.pipeInput("alice", { region: "us" }, 3);
    input.pipeInput("bob", null, 4);
    expect(kvs(driver, "per-region")).toEqual([
      ["eu", 1],
      ["eu", 2],
      ["eu", 1],
      ["us", 1],
      ["eu", 0],
    ]);
    expect(driver.producedTopicNames()).toContain("tbl-KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition");
  });

  it("groupBy into the same group sends one change carrying both values (adder/subtractor see both)", () => {
    const calls: string[] = [];
    const { driver, input } = tableDriver<number>((t) =>
      t
        .groupBy((_k, v) => KeyValue.pair("all", v))
        .aggregate(
          () => 0,
          (_k, v, agg) => {
            calls.push(`+${v}`);
            return agg + v;
          },
          (_k, v, agg) => {
            calls.push(`-${v}`);
            return agg - v;
          },
        )
        .toStream()
        .to("sum"),
    );
    input.pipeInput("a", 5, 1);
    input.pipeInput("b", 7, 2);
    input.pipeInput("a", 10, 3);
    expect(calls).toEqual(["+5", "+7", "-5", "+10"]);
    expect(driver.createOutputTopic("sum").readValuesToList()).toEqual([5, 12, 17]);
  });

  it("KGroupedTable.reduce needs an adder and a subtractor", () => {
    const { driver, input } = tableDriver<number>((t) =>
      t
        .groupBy((_k, v) => KeyValue.pair(v % 2 === 0 ? "even" : "odd", v))
        .reduce(
          (a, c) => a + c,
          (a, c) => a - c,
        )
        .toStream()
        .to("sums"),
    );
    input.pipeInput("x", 2, 1);
    input.pipeInput("y", 4, 2);
    input.pipeInput("x", 3, 3);
    expect(kvs(driver, "sums")).toEqual([
      ["even", 2],
      ["even", 6],
      ["even", 4],
      ["odd", 3],
    ]);
  });

  describe("table-table joins (both sides trigger, timestamp = max)", () => {
    function joinDriver(kind: "join" | "leftJoin" | "outerJoin") {
      const b = new StreamsBuilder();
      const left = b.table<string, string>("left");
      const right = b.table<string, string>("right");
      const joiner = (l: string | null, r: string | null) => `${String(l)}+${String(r)}`;
      (kind === "join" ? left.join(right, joiner) : kind === "leftJoin" ? left.leftJoin(right, joiner) : left.outerJoin(right, joiner))
        .toStream()
        .to("out");
      const driver = new TopologyTestDriver(b.build());
      return {
        driver,
        left: driver.createInputTopic<string, string | null>("left"),
        right: driver.createInputTopic<string, string | null>("right"),
        out: () => driver.createOutputTopic("out").readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
      };
    }

    it("inner: output when both sides exist, a tombstone when one is deleted", () => {
      const j = joinDriver("join");
      j.left.pipeInput("k", "L1", 10);
      expect(j.out()).toEqual([]);
      j.right.pipeInput("k", "R1", 5);
      j.left.pipeInput("k", "L2", 7);
      j.right.pipeInput("k", null, 20);
      expect(j.out()).toEqual([
        ["k", "L1+R1", 10],
        ["k", "L2+R1", 7],
        ["k", null, 20],
      ]);
    });

    it("left: a left row without partner joins with null", () => {
      const j = joinDriver("leftJoin");
      j.left.pipeInput("k", "L1", 1);
      j.right.pipeInput("k", "R1", 2);
      j.right.pipeInput("k", null, 3);
      j.right.pipeInput("z", "R9", 4);
      expect(j.out()).toEqual([
        ["k", "L1+null", 1],
        ["k", "L1+R1", 2],
        ["k", "L1+null", 3],
      ]);
    });

    it("outer: output whenever either side exists", () => {
      const j = joinDriver("outerJoin");
      j.right.pipeInput("k", "R1", 1);
      j.left.pipeInput("k", "L1", 2);
      j.left.pipeInput("k", null, 3);
      j.right.pipeInput("k", null, 4);
      expect(j.out()).toEqual([
        ["k", "null+R1", 1],
        ["k", "L1+R1", 2],
        ["k", "null+R1", 3],
        ["k", null, 4],
      ]);
    });
  });

  describe("stream-table joins (only the stream triggers)", () => {
    function streamTable(left: boolean) {
      const b = new StreamsBuilder();
      const customers = b.table<string, string>("customers");
      const orders = b.stream<string, string>("orders");
      const joiner = (o: string, c: string | null) => `${o}/${String(c)}`;
      (left ? orders.leftJoin(customers, joiner) : orders.join(customers, joiner)).to("enriched");
      const driver = new TopologyTestDriver(b.build());
      return {
        driver,
        customers: driver.createInputTopic<string, string | null>("customers"),
        orders: driver.createInputTopic<string | null, string | null>("orders"),
        out: () => driver.createOutputTopic("enriched").readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
      };
    }

    it("inner: looks up the table's current value; table updates alone emit nothing", () => {
      const j = streamTable(false);
      j.orders.pipeInput("c1", "o1", 1);
      j.customers.pipeInput("c1", "Alice", 2);
      j.orders.pipeInput("c1", "o2", 3);
      j.customers.pipeInput("c1", "Alicia", 4);
      j.orders.pipeInput("c1", "o3", 5);
      expect(j.out()).toEqual([
        ["c1", "o2/Alice", 3],
        ["c1", "o3/Alicia", 5],
      ]);
    });

    it("left: an order without customer joins with null; null values are dropped, null keys kept (KIP-962)", () => {
      const j = streamTable(true);
      j.orders.pipeInput("c1", "o1", 1);
      j.orders.pipeInput("c1", null, 2);
      j.orders.pipeInput(null, "o-anon", 3);
      expect(j.out()).toEqual([
        ["c1", "o1/null", 1],
        [null, "o-anon/null", 3],
      ]);
      expect(j.driver.droppedRecordsTotal()).toBe(1);
    });

    it("a global table is joined through a key selector, with no co-partitioning", () => {
      const b = new StreamsBuilder();
      const drivers = b.globalTable<number, string>("drivers");
      b.stream<string, { driverId: number }>("trucks")
        .join(
          drivers,
          (_k, v) => v.driverId,
          (v, name) => ({ ...v, name }),
        )
        .to("named");
      const driver = new TopologyTestDriver(b.build());
      driver.createInputTopic<number, string>("drivers").pipeInput(11, "Walter", 0);
      const trucks = driver.createInputTopic<string, { driverId: number }>("trucks");
      trucks.pipeInput("truck-1", { driverId: 11 }, 1);
      trucks.pipeInput("truck-2", { driverId: 12 }, 2);
      expect(driver.createOutputTopic("named").readValuesToList()).toEqual([{ driverId: 11, name: "Walter" }]);
      expect(driver.getKeyValueStore("drivers-STATE-STORE-0000000000")!.get(11)).toBe("Walter");
    });
  });

  it("toTable() turns a stream into a table; a key change first goes through a repartition topic", () => {
    const b = new StreamsBuilder();
    b.stream<string, { id: string; n: number }>("in")
      .selectKey((_k, v) => v.id)
      .toTable(Materialized.as("latest"))
      .toStream()
      .to("out");
    const driver = new TopologyTestDriver(b.build(), { applicationId: "tt" });
    const input = driver.createInputTopic<string, { id: string; n: number }>("in");
    input.pipeInput("x", { id: "a", n: 1 }, 1);
    input.pipeInput("y", { id: "a", n: 2 }, 2);
    expect(driver.getKeyValueStore<string, { n: number }>("latest")!.get("a")).toEqual({ id: "a", n: 2 });
    expect(driver.producedTopicNames()).toContain("tt-KSTREAM-TOTABLE-0000000002-repartition");
    expect(driver.createOutputTopic("out").readValuesToList()).toHaveLength(2);
  });
});
