import { describe, expect, it } from "vitest";
import { VirtualClock } from "../../runtime/clock";
import { SeededRandom } from "../../runtime/random";
import { VirtualScheduler } from "../../runtime/scheduler";
import { ClickstreamSource } from "./clickstream";
import { skewTimestamp } from "./event-time-skew";
import type { GeneratedRecord } from "./generated-record";
import { GeneratorRunner, topicsOf } from "./generator-runner";
import { IotSensorSource } from "./iot-sensors";
import { OrdersPaymentsSource } from "./orders-payments";
import { parseTruckLine, TRUCK_EVENT_TYPES, TruckSource } from "./trucks";

const T0 = Date.UTC(2018, 3, 4, 12, 0, 0);

describe("truck positions", () => {
  it("writes the demo's delimited line, keyed by truck id, with eight fields", () => {
    const random = new SeededRandom(7);
    const source = new TruckSource("truck_position", random, 3);
    const records = Array.from({ length: 6 }, (_, i) => source.next(T0 + i * 10, random)[0]!);
    for (const r of records) {
      const line = r.value as string;
      expect(line.split(",")).toHaveLength(8);
      const p = parseTruckLine(line);
      expect(r.key).toBe(String(p.truckId));
      expect(p.timestamp).toBe(r.timestamp);
      expect(TRUCK_EVENT_TYPES).toContain(p.eventType);
      expect(p.latitude).toBeGreaterThanOrEqual(34.5);
      expect(p.latitude).toBeLessThanOrEqual(42.5);
      expect(p.longitude).toBeLessThanOrEqual(-87.5);
      expect(line).toMatch(/^\d{13},10\d,\d+,\d{10},[A-Za-z ]+,-?\d+\.\d\d,-\d+\.\d\d,-?\d+$/);
      expect(BigInt(p.correlationId) >= -(2n ** 63n) && BigInt(p.correlationId) < 2n ** 63n).toBe(true);
    }
    // Trucks report in turn: 101, 102, 103, 101, …
    expect(records.map((r) => r.key)).toEqual(["101", "102", "103", "101", "102", "103"]);
  });

  it("is reproducible from the seed", () => {
    const run = () => {
      const random = new SeededRandom(42);
      const s = new TruckSource("t", random);
      return Array.from({ length: 20 }, (_, i) => s.next(T0 + i, random)[0]!.value);
    };
    expect(run()).toEqual(run());
  });
});

describe("orders and payments", () => {
  it("pays about nine orders in ten, on the payments topic, keyed by order id, after the order", () => {
    const random = new SeededRandom(3);
    const source = new OrdersPaymentsSource("orders", "payments");
    const out: GeneratedRecord[] = [];
    for (let i = 0; i < 2000; i++) out.push(...source.next(T0 + i * 10, random));
    const orders = out.filter((r) => r.topic === "orders");
    const payments = out.filter((r) => r.topic === "payments");
    expect(orders).toHaveLength(2000);
    // Orders of the last 5 s may still await their payment.
    const settled = orders.filter((o) => o.timestamp < T0 + 2000 * 10 - 5000);
    const paid = new Set(payments.map((p) => p.key));
    const share = settled.filter((o) => paid.has(o.key)).length / settled.length;
    expect(share).toBeGreaterThan(0.85);
    expect(share).toBeLessThan(0.95);
    const orderTime = new Map(orders.map((o) => [o.key, o.timestamp]));
    for (const p of payments) {
      const placed = orderTime.get(p.key)!;
      expect(p.timestamp - placed).toBeGreaterThanOrEqual(200);
      expect(p.timestamp - placed).toBeLessThan(5000);
      expect((p.value as { orderId: string }).orderId).toBe(p.key);
    }
    // Payments leave in due order.
    const times = payments.map((p) => p.timestamp);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe("clickstream and sensors", () => {
  it("clicks are keyed by user with sessions; sensor readings by sensor id", () => {
    const random = new SeededRandom(5);
    const clicks = new ClickstreamSource("clicks", 4);
    const c = Array.from({ length: 50 }, (_, i) => clicks.next(T0 + i, random)[0]!);
    expect(new Set(c.map((r) => r.key))).toEqual(new Set(["user-01", "user-02", "user-03", "user-04"]));
    for (const r of c) expect((r.value as { userId: string }).userId).toBe(r.key);
    const iot = new IotSensorSource("iot", random, 4);
    const s = Array.from({ length: 50 }, (_, i) => iot.next(T0 + i, random)[0]!);
    for (const r of s) {
      expect(r.key).toMatch(/^sensor-0[1-4]$/);
      expect((r.value as { sensorId: string }).sensorId).toBe(r.key);
    }
  });
});

describe("event-time skew", () => {
  it("pulls the chosen shares back: late by exactly lateByMs, out of order within the jitter", () => {
    const random = new SeededRandom(11);
    const dials = { outOfOrder: 0.2, jitterMs: 3000, late: 0.1, lateByMs: 60_000 };
    const counts = { "on-time": 0, "out-of-order": 0, late: 0 };
    for (let i = 0; i < 10_000; i++) {
      const s = skewTimestamp(T0, dials, random);
      counts[s.kind]++;
      if (s.kind === "late") expect(s.timestamp).toBe(T0 - 60_000);
      if (s.kind === "out-of-order") {
        expect(s.timestamp).toBeLessThan(T0);
        expect(s.timestamp).toBeGreaterThanOrEqual(T0 - 3000);
      }
      if (s.kind === "on-time") expect(s.timestamp).toBe(T0);
    }
    expect(counts.late / 10_000).toBeCloseTo(0.1, 1);
    expect(counts["out-of-order"] / 10_000).toBeCloseTo(0.2, 1);
  });
});

function runner(produceDelay?: { pending: Array<() => void> }) {
  const scheduler = new VirtualScheduler(new VirtualClock(T0));
  const produced: GeneratedRecord[] = [];
  const r = new GeneratorRunner({
    scheduler,
    random: new SeededRandom(1),
    produce: (records) => {
      if (!produceDelay) {
        produced.push(...records);
        return Promise.resolve();
      }
      return new Promise<void>((resolve) =>
        produceDelay.pending.push(() => {
          produced.push(...records);
          resolve();
        }),
      );
    },
  });
  /** As the engine API plays the clock while generators run: one tick at a time, acknowledged before the next. */
  const play = async (ms: number) => {
    for (let t = 0; t < ms; t += 100) {
      scheduler.advance(100);
      await r.idle();
    }
  };
  return { scheduler, produced, r, play };
}

describe("generator runner", () => {
  it("produces rate × time on the virtual clock, nothing while the clock stands still", async () => {
    const { produced, r, play } = runner();
    const g = r.start({ kind: "iot-sensors", topic: "iot", ratePerSecond: 250 });
    expect(g.id).toBe("gen-1");
    await r.idle();
    expect(produced).toHaveLength(0);
    await play(2000);
    expect(produced).toHaveLength(500);
    // Event times are spread over each tick and never in the future.
    expect(Math.max(...produced.map((p) => p.timestamp))).toBe(T0 + 2000);
    expect(Math.min(...produced.map((p) => p.timestamp))).toBeGreaterThan(T0);
    const status = r.list()[0]!;
    expect(status.produced).toBe(500);
    expect(status.actualRate).toBe(250);
  });

  it("turns dials while running, and stops", async () => {
    const { scheduler, produced, r, play } = runner();
    const g = r.start({ kind: "clickstream", topic: "clicks", ratePerSecond: 10 });
    await play(1000);
    expect(produced).toHaveLength(10);
    r.update(g.id, { ratePerSecond: 100, late: 1 });
    await play(1000);
    expect(produced).toHaveLength(110);
    expect(produced.slice(10).every((p) => p.timestamp <= T0 + 2000 - 60_000)).toBe(true);
    r.stop(g.id);
    scheduler.advance(5000);
    expect(produced).toHaveLength(110);
    expect(r.list()).toEqual([]);
    expect(() => r.update(g.id, { ratePerSecond: 1 })).toThrow(/no generator "gen-1"/);
  });

  it("caps the backlog while a produce is slow and counts what it skipped", async () => {
    const gate = { pending: [] as Array<() => void> };
    const { scheduler, produced, r } = runner(gate);
    r.start({ kind: "iot-sensors", topic: "iot", ratePerSecond: 1000 });
    scheduler.advance(3000); // 30 ticks; only the first produces, the others build a capped backlog
    expect(gate.pending).toHaveLength(1);
    gate.pending.shift()!();
    await Promise.resolve();
    await r.idle();
    expect(produced).toHaveLength(100);
    const s = r.list()[0]!;
    expect(s.skipped).toBe(2900 - 500);
    scheduler.advance(100);
    expect(gate.pending).toHaveLength(1);
    gate.pending.shift()!();
    await r.idle();
    expect(produced).toHaveLength(100 + 500 + 100);
  });

  it("refuses bad dials with Kafka-style errors naming the setting", () => {
    const { r } = runner();
    expect(() => r.start({ kind: "trucks", topic: "t", ratePerSecond: -1 })).toThrow(/rate must be between 0 and 50000/);
    expect(() => r.start({ kind: "trucks", topic: "t", late: 2 })).toThrow(/late share/);
    expect(() => r.start({ kind: "nope" as never, topic: "t" })).toThrow(/unknown generator kind "nope"/);
    expect(topicsOf({ kind: "orders-payments", topic: "orders", secondTopic: "payments" })).toEqual(["orders", "payments"]);
  });
});
