import { describe, expect, it } from "vitest";
import { VirtualScheduler } from "../../runtime/scheduler";
import { StreamsBuilder } from "../streams-builder";
import { Serdes } from "../serdes";
import { Consumed } from "../consumed";
import type { OutgoingRecord } from "./record-collector";
import { StreamTask } from "./stream-task";

const enc = new TextEncoder();

function filterTask(): { task: StreamTask; out: OutgoingRecord[]; filterName: string; mapName: string } {
  const b = new StreamsBuilder();
  b.stream<string, string>("in", Consumed.with(Serdes.String(), Serdes.String()))
    .filter((_k, v) => v.length > 2)
    .mapValues((v) => v.toUpperCase())
    .to("out");
  const topology = b.build();
  const names = topology.nodes().map((n) => n.name);
  const out: OutgoingRecord[] = [];
  const task = new StreamTask({
    topology,
    groupId: 0,
    partition: 0,
    applicationId: "w",
    collector: { send: (r) => out.push(r) },
    scheduler: new VirtualScheduler(),
  });
  return { task, out, filterName: names.find((n) => n.includes("FILTER"))!, mapName: names.find((n) => n.includes("MAPVALUES"))! };
}

function input(offset: number, key: string, value: string) {
  return { topic: "in", partition: 0, offset, timestamp: 1000 + offset, key: enc.encode(key), value: enc.encode(value) };
}

describe("StreamTask.watchNode", () => {
  it("reports each record a watched filter received, with its source record and whether it passed", () => {
    const { task, out, filterName } = filterTask();
    const seen: Array<[unknown, unknown, number, string | null, number, number, number]> = [];
    // Watched before init: the processor does not exist yet and is wrapped when it does.
    expect(task.watchNode(filterName, (r, ctx, fwd) => seen.push([r.key(), r.value(), r.timestamp(), ctx.topic, ctx.partition, ctx.offset, fwd]))).toBe(true);
    task.process(input(0, "a", "long"));
    task.process(input(1, "b", "no"));
    task.process(input(2, "c", "yes!"));
    expect(seen).toEqual([
      ["a", "long", 1000, "in", 0, 0, 1],
      ["b", "no", 1001, "in", 0, 1, 0],
      ["c", "yes!", 1002, "in", 0, 2, 1],
    ]);
    // Watching does not change what the topology writes.
    expect(out.map((r) => new TextDecoder().decode(r.value!))).toEqual(["LONG", "YES!"]);
  });

  it("records nothing once unwatched, and nothing for nodes never watched", () => {
    const { task, out, filterName, mapName } = filterTask();
    task.init();
    const seen: string[] = [];
    task.watchNode(mapName, (r) => seen.push(`map:${String(r.value())}`));
    task.process(input(0, "a", "abc"));
    task.watchNode(mapName, undefined);
    task.process(input(1, "b", "def"));
    expect(seen).toEqual(["map:abc"]);
    task.watchNode(filterName, (r, _c, fwd) => seen.push(`filter:${String(r.value())}:${fwd}`));
    task.process(input(2, "c", "x"));
    task.watchNode(filterName, undefined);
    task.process(input(3, "d", "ghi"));
    expect(seen).toEqual(["map:abc", "filter:x:0"]);
    expect(out).toHaveLength(3);
    expect(task.processedCounts().get(filterName)).toBe(4);
  });

  it("refuses names that are not processors of the task", () => {
    const { task } = filterTask();
    expect(task.watchNode("KSTREAM-SOURCE-0000000000", () => {})).toBe(false);
    expect(task.watchNode("nope", () => {})).toBe(false);
  });
});
