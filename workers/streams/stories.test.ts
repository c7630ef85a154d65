import { describe, expect, it } from "vitest";
import { Consumed, JoinWindows, KeyValue, Materialized, Serdes, StreamsBuilder, TopologyTestDriver } from "./index";

// The stream topologies of the talks streamlab was designed from, written as a user would
// write them in the workbench.

describe("talk stories", () => {
  it("truck positions: keep non-normal events, re-key by driver, write CSV to dangerous_driving", () => {
    const b = new StreamsBuilder();
    b.stream("truck_position", Consumed.with(Serdes.String(), Serdes.String()))
      .map((key, value) => {
        const [timestamp, truckId, driverId, routeId, eventType, lat, lon] = value.split(",");
        return KeyValue.pair(key, { timestamp, truckId, driverId, routeId, eventType, lat, lon });
      })
      .filter((_k, p) => p.eventType !== "Normal")
      .map((_k, p) => KeyValue.pair(p.driverId!, [p.timestamp, p.truckId, p.driverId, p.eventType].join(",")))
      .to("dangerous_driving");
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic("truck_position", Serdes.String(), Serdes.String());
    input.pipeInput("t1", "1522846456703,101,31,1927624662,Normal,37.31,-94.31,-4802309397906690837", 1);
    input.pipeInput("t1", "1522846457000,101,31,1927624662,Overspeed,37.32,-94.31,-4802309397906690837", 2);
    expect(driver.createOutputTopic("dangerous_driving", Serdes.String(), Serdes.String()).readKeyValuesToList().map((kv) => [kv.key, kv.value])).toEqual([
      ["31", "1522846457000,101,31,Overspeed"],
    ]);
  });

  it("orders enriched with customers: a stream-table left join", () => {
    const b = new StreamsBuilder();
    const customers = b.table<number, { name: string }>("customer");
    b.stream<number, { item: string }>("order")
      .leftJoin(customers, (order, customer) => `${order.item} for ${customer?.name ?? "unknown"}`)
      .to("orderEnriched");
    const driver = new TopologyTestDriver(b.build());
    driver.createInputTopic<number, { name: string }>("customer").pipeInput(7, { name: "Ada" }, 1);
    const orders = driver.createInputTopic<number, { item: string }>("order");
    orders.pipeInput(7, { item: "book" }, 2);
    orders.pipeInput(8, { item: "pen" }, 3);
    expect(driver.createOutputTopic("orderEnriched").readValuesToList()).toEqual(["book for Ada", "pen for unknown"]);
  });

  it("two streams joined, then counted per group into a named store", () => {
    const b = new StreamsBuilder();
    const stream1 = b.stream<number, string>("in-1");
    const stream2 = b.stream<number, string>("in-2");
    const joined = stream1.leftJoin(stream2, (v1, v2) => `${v1}/${String(v2)}`, JoinWindows.ofTimeDifferenceWithNoGrace(1000));
    joined
      .groupBy((_k, v) => v.split("/")[0]!)
      .count(Materialized.as("store"))
      .toStream()
      .to("out-1");
    const driver = new TopologyTestDriver(b.build(), { applicationId: "talk" });
    driver.createInputTopic<number, string>("in-2").pipeInput(1, "b", 100);
    driver.createInputTopic<number, string>("in-1").pipeInput(1, "a", 150);
    expect(driver.createOutputTopic("out-1").readKeyValuesToList().map((kv) => [kv.key, kv.value])).toEqual([["a", 1]]);
    expect(driver.getKeyValueStore("store")!.get("a")).toBe(1);
    expect([...driver.producedTopicNames()].sort()).toEqual([
      "out-1",
      "talk-KSTREAM-JOINTHIS-0000000004-store-changelog",
      "talk-KSTREAM-OUTEROTHER-0000000005-store-changelog",
      "talk-store-changelog",
      "talk-store-repartition",
    ]);
  });
});
