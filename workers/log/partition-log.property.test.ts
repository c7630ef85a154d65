import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { batchOf, concat, openHarness, readEverything } from "./log-test-support";
import { segmentFileName } from "./segment-name";

type Op =
  | { op: "append"; batches: string[][]; ts: number }
  | { op: "roll" }
  | { op: "truncate"; at: number }
  | { op: "reopen" }
  | { op: "crash" }
  | { op: "read"; at: number };

const value = fc.string({ minLength: 0, maxLength: 12 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant("append" as const), batches: fc.array(fc.array(value, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }), ts: fc.integer({ min: 0, max: 10_000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "roll" as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "reopen" as const }) },
  { weight: 1, arbitrary: fc.constant({ op: "crash" as const }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("read" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);
const configArb = fc.record({
  // Large enough for the biggest generated append (RECORD_LIST_TOO_LARGE otherwise, as in Kafka).
  segmentBytes: fc.integer({ min: 700, max: 2500 }),
  indexIntervalBytes: fc.integer({ min: 0, max: 400 }),
  segmentIndexBytes: fc.integer({ min: 8, max: 200 }),
});

interface ModelBatch {
  base: number;
  values: string[];
}

const endOf = (model: ModelBatch[]) => {
  const last = model[model.length - 1];
  return last === undefined ? 0 : last.base + last.values.length;
};

describe("PartitionLog properties", () => {
  it("appends, rolls, truncations and reopens keep offsets dense and reads equal to what was appended", async () => {
    await fc.assert(
      fc.asyncProperty(configArb, fc.array(opArb, { minLength: 1, maxLength: 30 }), async (config, ops) => {
        const h = await openHarness(config);
        let model: ModelBatch[] = [];
        for (const step of ops) {
          const log = h.log;
          switch (step.op) {
            case "append": {
              const buf = concat(step.batches.map((values) => batchOf(values, step.ts)));
              const info = await log.appendAsLeader(buf, { timestampType: "CreateTime", now: step.ts });
              expect(info.firstOffset).toBe(endOf(model));
              for (const values of step.batches) model.push({ base: endOf(model), values });
              expect(info.lastOffset).toBe(endOf(model) - 1);
              break;
            }
            case "roll":
              await log.roll();
              break;
            case "truncate": {
              const at = Math.floor(step.at * (endOf(model) + 1));
              await log.truncateTo(at);
              // Whole batches: the batch holding `at` goes too.
              model = model.filter((b) => b.base + b.values.length - 1 < at);
              break;
            }
            case "reopen":
              await log.close();
              await h.reopen();
              break;
            case "crash":
              log.flush();
              h.storage.simulateCrash();
              await h.reopen();
              break;
            case "read": {
              const end = endOf(model);
              if (end === 0) break;
              h.log.setHighWatermark(h.log.logEndOffset);
              const at = Math.min(end - 1, Math.floor(step.at * end));
              const data = await h.log.read(at, 1);
              const holder = model.find((b) => b.base <= at && at < b.base + b.values.length)!;
              expect(data.firstOffset).toBe(holder.base);
              expect(data.nextOffset).toBe(holder.base + holder.values.length);
              break;
            }
          }
          expect(h.log.logEndOffset).toBe(endOf(model));
          const bases = h.log.segmentInfos().map((s) => s.baseOffset);
          expect([...bases].sort((a, b) => a - b)).toEqual(bases);
        }
        h.log.setHighWatermark(h.log.logEndOffset);
        const records = await readEverything(h.log);
        expect(records.map((r) => r.offset)).toEqual([...Array(endOf(model)).keys()]);
        expect(records.map((r) => r.value)).toEqual(model.flatMap((b) => b.values));
        await h.log.close();
      }),
      { seed: 20240611, numRuns: 80 },
    );
  });

  it("recovery never loses a flushed batch when the tail is cut or has junk appended", async () => {
    await fc.assert(
      fc.asyncProperty(
        configArb,
        fc.array(fc.array(value, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.uint8Array({ minLength: 0, maxLength: 80 }),
        async (config, batches, cutFraction, junk) => {
          const h = await openHarness(config);
          const model: ModelBatch[] = [];
          const sizes: number[] = [];
          for (const values of batches) {
            const buf = batchOf(values, 1000);
            await h.log.appendAsLeader(buf, { timestampType: "CreateTime", now: 1000 });
            model.push({ base: endOf(model), values });
            sizes.push(buf.length);
          }
          h.log.flush();
          const active = h.log.segmentInfos().at(-1)!;
          h.storage.simulateCrash();
          const cut = Math.min(active.sizeInBytes, Math.floor(cutFraction * (active.sizeInBytes + 1)));
          const file = await h.storage.open(`orders-0/${segmentFileName(active.baseOffset, "log")}`);
          file.truncate(active.sizeInBytes - cut);
          if (cut === 0) file.write(file.size(), junk);
          file.close();

          // Batches of the active segment that still lie wholly within the file survive.
          let position = 0;
          const survivors = model.filter((b, i) => {
            if (b.base < active.baseOffset) return true;
            position += sizes[i]!;
            return position <= active.sizeInBytes - cut;
          });
          const log = await h.reopen();
          expect(log.logEndOffset).toBe(endOf(survivors));
          log.setHighWatermark(log.logEndOffset);
          expect((await readEverything(log)).map((r) => r.value)).toEqual(survivors.flatMap((b) => b.values));
          await log.close();
        },
      ),
      { seed: 77, numRuns: 120 },
    );
  });
});
