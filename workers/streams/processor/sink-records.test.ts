import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../runtime/clock";
import { VirtualScheduler } from "../../runtime/scheduler";
import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder, TimeWindows, WindowedSerdes } from "../index";
import { StreamTask, type OutgoingRecord } from "../runtime";

const text = new TextEncoder();

function windowedCount(keySerde: "windowed" | "string") {
  const b = new StreamsBuilder();
  b.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
    .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
    .count(Materialized.with(Serdes.String(), Serdes.Long()))
    .toStream()
    .to("out", keySerde === "windowed" ? Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long()) : Produced.with(Serdes.String() as never, Serdes.Long()));
  return b.build();
}

function run(keySerde: "windowed" | "string", records: Array<[string, number]>): OutgoingRecord[] {
  const sent: OutgoingRecord[] = [];
  const task = new StreamTask({
    topology: windowedCount(keySerde),
    groupId: 0,
    partition: 3,
    applicationId: "app",
    collector: { send: (r) => sent.push(r), partitionCount: () => 4 },
    scheduler: new VirtualScheduler(new VirtualClock(0)),
  });
  task.init();
  records.forEach(([key, ts], offset) => task.process({ topic: "in", partition: 3, offset, timestamp: ts, key: text.encode(key), value: text.encode("v") }));
  task.close();
  return sent;
}

const long = (n: number) => [0, 0, 0, 0, 0, 0, 0, n];

describe("records a task writes for a windowed count", () => {
  for (const keySerde of ["windowed", "string"] as const) {
    it(`output and changelog bytes per update, the output partitioned by the inner key (${keySerde} key serde)`, () => {
      const sent = run(keySerde, [
        ["k1", 12],
        ["k1", 13],
        ["k2", 21],
        ["k1", 3],
        ["k1", 14],
      ]);
      const view = sent.map((r) => ({
        kind: r.kind,
        topic: r.topic,
        partition: r.partition,
        key: [...r.key!],
        value: [...r.value!],
        partitionKey: [...r.partitionKey!],
        timestamp: r.timestamp,
        window: r.windowedKey?.window,
      }));
      const out = (key: string, start: number, count: number, ts: number) => ({
        kind: "output",
        topic: "out",
        partition: undefined,
        key: [...text.encode(key), ...long(start)],
        value: long(count),
        partitionKey: [...text.encode(key)],
        timestamp: ts,
        window: { start, end: start + 10 },
      });
      const log = (key: string, start: number, count: number, ts: number) => ({
        kind: "changelog",
        topic: "app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog",
        partition: 3,
        key: [...text.encode(key), ...long(start), 0, 0, 0, 0],
        value: [...long(ts), ...long(count)],
        partitionKey: [...text.encode(key), ...long(start), 0, 0, 0, 0],
        timestamp: ts,
        window: undefined,
      });
      // At stream time 21 the close time is 16: k1 at 3 ([0, 10)) is late and dropped, k1 at 14 ([10, 20)) is not.
      expect(view).toEqual([
        log("k1", 10, 1, 12),
        out("k1", 10, 1, 12),
        log("k1", 10, 2, 13),
        out("k1", 10, 2, 13),
        log("k2", 20, 1, 21),
        out("k2", 20, 1, 21),
        log("k1", 10, 3, 14),
        out("k1", 10, 3, 14),
      ]);
    });
  }
});
