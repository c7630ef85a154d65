import { describe, expect, it } from "vitest";
import type { BrokerEvent } from "../broker/broker-events";
import type { StreamsEngineEvent } from "./engine";
import { BrokerEventBuffer, StreamsEventBuffer } from "./update-buffers";

function appended(partition: number, baseOffset: number, lastOffset: number, topic = "clicks"): BrokerEvent {
  return { type: "records-appended", topic, partition, baseOffset, lastOffset, recordCount: lastOffset - baseOffset + 1, bytes: 10 * (lastOffset - baseOffset + 1) };
}

function windowUpdate(key: unknown, start: number, value: number, timestamp: number, taskId = "0_0"): StreamsEngineEvent {
  return { type: "streams", applicationId: "app", event: { type: "window-update", taskId, node: "count", key, window: { start, end: start + 10 }, value, timestamp } };
}

describe("BrokerEventBuffer", () => {
  it("folds consecutive appends of a partition into one event with the summed counts", () => {
    const b = new BrokerEventBuffer(100);
    b.push(appended(0, 0, 9));
    b.push(appended(1, 0, 4));
    b.push(appended(0, 10, 19));
    b.push({ type: "group", event: { type: "offsets-committed", groupId: "g", offsets: [] } as never });
    b.push(appended(0, 20, 24));
    const { events, dropped } = b.take();
    expect(dropped).toBe(0);
    expect(events).toEqual([
      { type: "records-appended", topic: "clicks", partition: 0, baseOffset: 0, lastOffset: 24, recordCount: 25, bytes: 250 },
      { type: "records-appended", topic: "clicks", partition: 1, baseOffset: 0, lastOffset: 4, recordCount: 5, bytes: 50 },
      { type: "group", event: { type: "offsets-committed", groupId: "g", offsets: [] } },
    ]);
  });

  it("keeps appends apart around anything else that happened to the log, and never changes the broker's objects", () => {
    const b = new BrokerEventBuffer(100);
    const first = appended(0, 0, 9);
    b.push(first);
    b.push({ type: "log", topic: "clicks", partition: 0, event: { type: "segment-rolled", baseOffset: 10 } as never });
    b.push(appended(0, 10, 19));
    const { events } = b.take();
    expect(events.map((e) => (e.type === "records-appended" ? `${e.baseOffset}-${e.lastOffset}` : e.type))).toEqual(["0-9", "log", "10-19"]);
    expect(first).toEqual(appended(0, 0, 9));
    // A taken update is closed: the next append starts a new event.
    b.push(appended(0, 20, 29));
    expect(b.take().events).toEqual([appended(0, 20, 29)]);
  });

  it("drops the oldest events beyond its size and counts them", () => {
    const b = new BrokerEventBuffer(2);
    for (let i = 0; i < 5; i++) b.push({ type: "topic-created", topic: `t${i}`, partitions: 1 });
    const { events, dropped } = b.take();
    expect(events.map((e) => (e.type === "topic-created" ? e.topic : ""))).toEqual(["t3", "t4"]);
    expect(dropped).toBe(3);
    expect(b.take()).toEqual({ events: [], dropped: 0 });
  });
});

describe("StreamsEventBuffer", () => {
  it("keeps each window's newest aggregate, at the position of its newest update", () => {
    const b = new StreamsEventBuffer(100);
    b.push(windowUpdate("/home", 0, 1, 5));
    b.push(windowUpdate("/cart", 0, 1, 6));
    b.push(windowUpdate("/home", 0, 2, 7));
    b.push(windowUpdate("/home", 10, 1, 12));
    const { events } = b.take();
    expect(events.map((e) => (e.event.type === "window-update" ? [e.event.key, e.event.window.start, e.event.value, e.event.timestamp] : []))).toEqual([
      ["/cart", 0, 1, 6],
      ["/home", 0, 2, 7],
      ["/home", 10, 1, 12],
    ]);
  });

  it("keeps a window's largest timestamp when a late record updates it", () => {
    const b = new StreamsEventBuffer(100);
    b.push(windowUpdate("/home", 0, 1, 9));
    b.push(windowUpdate("/home", 0, 2, 3));
    const [only] = b.take().events;
    expect(only?.event).toMatchObject({ type: "window-update", value: 2, timestamp: 9 });
  });

  it("tells keys of different types and tasks apart, and folds equal object keys", () => {
    const b = new StreamsEventBuffer(100);
    b.push(windowUpdate("1", 0, 1, 1));
    b.push(windowUpdate(1, 0, 1, 1));
    b.push(windowUpdate(1, 0, 1, 1, "0_1"));
    b.push(windowUpdate({ user: "a" }, 0, 1, 1));
    b.push(windowUpdate({ user: "a" }, 0, 2, 2));
    const events = b.take().events;
    expect(events).toHaveLength(4);
    expect(events.at(-1)?.event).toMatchObject({ key: { user: "a" }, value: 2 });
  });

  it("keeps node totals and store keys newest-only, and every other event in order", () => {
    const b = new StreamsEventBuffer(100);
    const processed = (total: number): StreamsEngineEvent => ({ type: "streams", applicationId: "app", event: { type: "node-processed", taskId: "0_0", node: "source", total } });
    const put = (key: string, value: number): StreamsEngineEvent => ({ type: "streams", applicationId: "app", event: { type: "store-update", taskId: "0_0", store: "counts", key, value, timestamp: value } });
    const late: StreamsEngineEvent = {
      type: "streams",
      applicationId: "app",
      event: { type: "late-record-dropped", taskId: "0_0", node: "count", key: "k", timestamp: 1, window: { start: 0, end: 10 }, streamTime: 100, closeTime: 90 },
    };
    b.push(processed(1));
    b.push(put("a", 1));
    b.push(late);
    b.push(late);
    b.push(processed(2));
    b.push(put("a", 2));
    b.push(put("b", 3));
    const { events } = b.take();
    expect(events.map((e) => e.event.type)).toEqual(["late-record-dropped", "late-record-dropped", "node-processed", "store-update", "store-update"]);
    expect(events[2]?.event).toMatchObject({ total: 2 });
    expect(events[3]?.event).toMatchObject({ key: "a", value: 2 });
  });

  it("drops the oldest entries beyond its size and counts them", () => {
    const b = new StreamsEventBuffer(2);
    for (let i = 0; i < 5; i++) b.push(windowUpdate(`k${i}`, 0, i, i));
    const { events, dropped } = b.take();
    expect(events.map((e) => (e.event.type === "window-update" ? e.event.key : null))).toEqual(["k3", "k4"]);
    expect(dropped).toBe(3);
  });
});
