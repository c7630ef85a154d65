import { describe, expect, it } from "vitest";
import examples from "./testdata/window-examples.json";
import {
  BufferConfig,
  JoinWindows,
  Materialized,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  TopologyTestDriver,
  Windowed,
  type KTable,
  type KStream,
} from "./index";
import type { StreamsEvent } from "./processor/events";

// Every trace of shared/reference/window-examples.json, run through the DSL and the test
// driver: updates in order with their windows, values and timestamps, grouped by the input
// record that triggered them; drops counted; suppressed final results.

interface Update {
  key: string;
  window: number[];
  value: number | null;
  timestamp: number;
  trigger: number;
}

interface Example {
  name: string;
  type: string;
  size?: number;
  advance?: number;
  grace?: number;
  gap?: number;
  timeDifference?: number;
  before?: number;
  after?: number;
  input: Array<{ key: string; timestamp: number; side?: string; value?: string }>;
  expectedUpdates?: Update[];
  expectedDropped?: Array<{ key: string; timestamp: number; window?: number[]; mergedWindow?: number[]; streamTime: number; closeTime?: number }>;
  expectedSuppressedFinal?: Array<{ key: string; window: number[]; value: number; timestamp: number; emittedAtStreamTime: number }>;
  expectedInner?: Array<{ key: string; value: Array<string | null>; timestamp: number; trigger: string }>;
  expected?: Array<{ key: string; value: Array<string | null>; timestamp: number; trigger: string }>;
}

const all = examples.examples as unknown as Example[];
const byType = (type: string): Example => all.find((e) => e.type === type)!;

function windowedCount(ex: Example, builder: StreamsBuilder, retentionMs?: number): KTable<Windowed<string>, number> {
  const grouped = builder.stream<string, string>("input").groupByKey();
  switch (ex.type) {
    case "tumbling":
    case "hopping":
      return grouped.windowedBy(TimeWindows.ofSizeAndGrace(ex.size!, ex.grace!).advanceBy(ex.advance!)).count();
    case "session": {
      const windowed = grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(ex.gap!, ex.grace!));
      return retentionMs === undefined ? windowed.count() : windowed.count(Materialized.as<string, number>("sessions").withRetention(retentionMs));
    }
    case "sliding":
      return grouped.windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(ex.timeDifference!, ex.grace!)).count();
    default:
      throw new Error(`not a windowed count: ${ex.type}`);
  }
}

/** Runs the example; returns the output records, each tagged with the input timestamp that produced it. */
function runCount(ex: Example, suppress = false, retentionMs?: number) {
  const builder = new StreamsBuilder();
  let table = windowedCount(ex, builder, retentionMs);
  if (suppress) table = table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()));
  table.toStream().to("output");
  const events: StreamsEvent[] = [];
  const driver = new TopologyTestDriver(builder.build(), { applicationId: "examples", listener: (e) => events.push(e) });
  const input = driver.createInputTopic<string, string>("input");
  const output = driver.createOutputTopic<Windowed<string>, number | null>("output");
  const produced: Array<{ key: string; window: number[]; value: number | null; timestamp: number; trigger: number }> = [];
  for (const r of ex.input) {
    input.pipeInput(r.key, "v", r.timestamp);
    for (const o of output.readRecordsToList()) {
      produced.push({ key: o.key.key(), window: [o.key.window().start(), o.key.window().end()], value: o.value, timestamp: o.timestamp, trigger: r.timestamp });
    }
  }
  return { produced, events, driver };
}

describe("window-examples.json: windowed counts", () => {
  // The session trace assumes every earlier session is still in the store. Kafka's session
  // stores stop returning sessions that end before streamTime - retention + 1 (retention
  // defaults to gap + grace = 15 here), so the reference trace is reproduced with a longer
  // retention; the default-retention behaviour is checked separately below.
  for (const type of ["tumbling", "hopping", "session", "sliding"]) {
    const ex = byType(type);
    it(ex.name, () => {
      const { produced, events, driver } = runCount(ex, false, type === "session" ? 1_000_000 : undefined);
      expect(produced).toEqual(ex.expectedUpdates);
      const dropped = ex.expectedDropped ?? [];
      expect(driver.droppedRecordsTotal()).toBe(dropped.length);
      const lateEvents = events.filter((e) => e.type === "late-record-dropped");
      expect(
        lateEvents.map((e) => ({ key: e.key, timestamp: e.timestamp, window: [e.window.start, e.window.end], streamTime: e.streamTime })),
      ).toEqual(dropped.map((d) => ({ key: d.key, timestamp: d.timestamp, window: d.window ?? d.mergedWindow, streamTime: d.streamTime })));
      for (const d of dropped) {
        if (d.closeTime !== undefined) expect(lateEvents.find((e) => e.timestamp === d.timestamp)!.closeTime).toBe(d.closeTime);
      }
    });
  }

  it("tumbling count with suppress(untilWindowCloses) emits each final result once, in window-end order", () => {
    const ex = byType("tumbling");
    const { produced } = runCount(ex, true);
    expect(produced.map((p) => ({ key: p.key, window: p.window, value: p.value, timestamp: p.timestamp, emittedAtStreamTime: p.trigger }))).toEqual(
      ex.expectedSuppressedFinal,
    );
  });

  it("session count with the default retention: sessions past retention are no longer merged (Kafka's store fetch bound)", () => {
    const { produced, events, driver } = runCount(byType("session"));
    const at = (trigger: number) => produced.filter((p) => p.trigger === trigger).map((p) => [p.window, p.value, p.timestamp]);
    // At stream time 20 the store serves sessions ending at >= 20 - 15 + 1 = 6: [0,3] is gone.
    expect(at(6)).toEqual([
      [[9, 9], null, 9],
      [[6, 9], 2, 9],
    ]);
    expect(at(2)).toEqual([
      [[6, 9], null, 9],
      [[2, 9], 3, 9],
    ]);
    expect(at(30)).toEqual([[[30, 30], 1, 30]]);
    expect(at(1)).toEqual([]);
    const late = events.filter((e) => e.type === "late-record-dropped");
    expect(late.map((e) => [e.timestamp, e.window, e.closeTime])).toEqual([[1, { start: 1, end: 1 }, 15]]);
    expect(driver.droppedRecordsTotal()).toBe(1);
  });

  it("the session trace reports its merges for the UI", () => {
    const { events } = runCount(byType("session"), false, 1_000_000);
    const merges = events.filter((e) => e.type === "session-merged");
    expect(merges.map((m) => ({ merged: m.merged, into: m.into }))).toEqual([
      { merged: [{ start: 0, end: 0 }], into: { start: 0, end: 3 } },
      {
        merged: [
          { start: 0, end: 3 },
          { start: 9, end: 9 },
        ],
        into: { start: 0, end: 9 },
      },
    ]);
  });
});

function runJoin(ex: Example, kind: "inner" | "left") {
  const builder = new StreamsBuilder();
  const left = builder.stream<string, string>("left");
  const right = builder.stream<string, string>("right");
  const windows = JoinWindows.ofTimeDifferenceAndGrace(ex.before!, ex.grace!).before(ex.before!).after(ex.after!);
  const joiner = (l: string, r: string | null) => [l, r];
  const joined: KStream<string, Array<string | null>> =
    kind === "inner" ? left.join(right, joiner, windows) : left.leftJoin(right, joiner, windows);
  joined.to("output");
  const driver = new TopologyTestDriver(builder.build(), { applicationId: "joins" });
  const inputs = { left: driver.createInputTopic<string, string>("left"), right: driver.createInputTopic<string, string>("right") };
  const output = driver.createOutputTopic<string, Array<string | null>>("output");
  const produced: Array<{ key: string; value: Array<string | null>; timestamp: number; trigger: string }> = [];
  for (const r of ex.input) {
    inputs[r.side as "left" | "right"].pipeInput(r.key, r.value!, r.timestamp);
    for (const o of output.readRecordsToList()) produced.push({ key: o.key, value: o.value, timestamp: o.timestamp, trigger: r.value! });
  }
  return produced;
}

describe("window-examples.json: stream-stream joins", () => {
  it(byType("stream-stream-join").name, () => {
    const ex = byType("stream-stream-join");
    expect(runJoin(ex, "inner")).toEqual(ex.expectedInner);
  });

  it(byType("stream-stream-left-join").name, () => {
    const ex = byType("stream-stream-left-join");
    const produced = runJoin(ex, "left");
    // The trigger text of the reference explains why; the record that triggers is L5.
    expect(produced.map(({ key, value, timestamp }) => ({ key, value, timestamp }))).toEqual(
      ex.expected!.map(({ key, value, timestamp }) => ({ key, value, timestamp })),
    );
    expect(produced.map((p) => p.trigger)).toEqual(["R3", "L5"]);
  });

  it("the deprecated JoinWindows.of() left join emits the spurious (left, null) results eagerly", () => {
    const ex = byType("stream-stream-left-join");
    const builder = new StreamsBuilder();
    builder
      .stream<string, string>("left")
      .leftJoin(builder.stream<string, string>("right"), (l, r) => [l, r], JoinWindows.of(5))
      .to("output");
    const driver = new TopologyTestDriver(builder.build());
    const inputs = { left: driver.createInputTopic<string, string>("left"), right: driver.createInputTopic<string, string>("right") };
    for (const r of ex.input) inputs[r.side as "left" | "right"].pipeInput(r.key, r.value!, r.timestamp);
    expect(driver.createOutputTopic("output").readKeyValuesToList().map((kv) => [kv.key, kv.value])).toEqual([
      ["B", ["L3", null]],
      ["C", ["L4", null]],
      ["C", ["L4", "R3"]],
      ["D", ["L5", null]],
    ]);
  });
});
