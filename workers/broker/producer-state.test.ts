import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeBatch, encodeControlBatch, readBatchHeader, type BatchHeader } from "../log/record-batch";
import { isKafkaError } from "../protocol/errors";
import { incrementSequence, NUM_BATCHES_TO_RETAIN, ProducerStateManager, type LoggedBatch } from "./producer-state";

interface BatchSpec {
  producerId: number;
  epoch: number;
  seq: number;
  count: number;
  transactional?: boolean;
  timestamp?: number;
}

/** A real encoded batch's header, so the attribute bits are the codec's. */
function header(s: BatchSpec): BatchHeader {
  const ts = s.timestamp ?? 1000;
  const buf = encodeBatch({
    producerId: s.producerId,
    producerEpoch: s.epoch,
    baseSequence: s.seq,
    transactional: s.transactional ?? false,
    records: Array.from({ length: s.count }, () => ({ key: null, value: new Uint8Array([1]), timestamp: ts })),
  });
  return readBatchHeader(buf);
}

function markerHeader(type: "COMMIT" | "ABORT", producerId: number, epoch: number): BatchHeader {
  return readBatchHeader(encodeControlBatch({ type, producerId, producerEpoch: epoch, coordinatorEpoch: 0, timestamp: 2000 }));
}

function errorOf(fn: () => unknown): { type: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isKafkaError(e)) return { type: e.type, message: e.message };
    throw e;
  }
  throw new Error("expected a KafkaError");
}

/** Appends like the log would: check, then update at the next offset. */
class FakeLog {
  next = 0;
  readonly state = new ProducerStateManager("orders", 0);
  readonly batches: LoggedBatch[] = [];

  append(s: BatchSpec) {
    const h = header(s);
    const verdict = this.state.check(h);
    if (verdict !== "append") return verdict;
    const first = this.next;
    this.state.update(h, first);
    this.batches.push({ header: h, firstOffset: first });
    this.next += h.lastOffsetDelta + 1;
    return { appended: { firstOffset: first, lastOffset: this.next - 1 } };
  }

  marker(type: "COMMIT" | "ABORT", producerId: number, epoch: number) {
    const offset = this.next++;
    const txn = this.state.onControlBatch(type, producerId, offset, { producerEpoch: epoch, timestamp: 2000 });
    this.batches.push({ header: markerHeader(type, producerId, epoch), firstOffset: offset, controlType: type });
    return txn;
  }
}

describe("idempotent producer state", () => {
  it("accepts consecutive sequences and any first sequence of an unknown producer", () => {
    const log = new FakeLog();
    expect(log.append({ producerId: 7, epoch: 0, seq: 42, count: 3 })).toEqual({ appended: { firstOffset: 0, lastOffset: 2 } });
    expect(log.append({ producerId: 7, epoch: 0, seq: 45, count: 2 })).toEqual({ appended: { firstOffset: 3, lastOffset: 4 } });
    expect(log.state.lastEntry(7)?.batches.map((b) => [b.firstSeq, b.lastSeq])).toEqual([
      [42, 44],
      [45, 46],
    ]);
  });

  it("answers a retried batch with its original offsets instead of appending it", () => {
    const log = new FakeLog();
    log.append({ producerId: 7, epoch: 0, seq: 0, count: 3 });
    log.append({ producerId: 7, epoch: 0, seq: 3, count: 1 });
    expect(log.append({ producerId: 7, epoch: 0, seq: 0, count: 3 })).toEqual({ duplicate: { firstOffset: 0, lastOffset: 2 } });
    expect(log.append({ producerId: 7, epoch: 0, seq: 3, count: 1 })).toEqual({ duplicate: { firstOffset: 3, lastOffset: 3 } });
    expect(log.next).toBe(4);
  });

  it("remembers only the last 5 batches", () => {
    const log = new FakeLog();
    for (let i = 0; i < 6; i++) log.append({ producerId: 1, epoch: 0, seq: i, count: 1 });
    expect(log.state.lastEntry(1)?.batches).toHaveLength(NUM_BATCHES_TO_RETAIN);
    expect(log.append({ producerId: 1, epoch: 0, seq: 1, count: 1 })).toEqual({ duplicate: { firstOffset: 1, lastOffset: 1 } });
    // Batch 0 is forgotten: it is now simply out of order.
    const e = errorOf(() => log.append({ producerId: 1, epoch: 0, seq: 0, count: 1 }));
    expect(e.type).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
  });

  it("refuses a gap, naming producer, partition, expected and got", () => {
    const log = new FakeLog();
    log.append({ producerId: 7, epoch: 0, seq: 0, count: 5 });
    const e = errorOf(() => log.append({ producerId: 7, epoch: 0, seq: 8, count: 1 }));
    expect(e.type).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(e.message).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER: producer 7 (epoch 0) on orders-0: expected sequence 5, got 8");
  });

  it("wraps sequences from Int32.MAX to 0", () => {
    expect(incrementSequence(2147483646, 1)).toBe(2147483647);
    expect(incrementSequence(2147483647, 1)).toBe(0);
    expect(incrementSequence(2147483646, 3)).toBe(1);
    const log = new FakeLog();
    log.append({ producerId: 3, epoch: 0, seq: 2147483646, count: 2 });
    expect(log.state.lastEntry(3)?.batches[0]?.lastSeq).toBe(2147483647);
    expect(log.append({ producerId: 3, epoch: 0, seq: 0, count: 1 })).toEqual({ appended: { firstOffset: 2, lastOffset: 2 } });
    const spanning = new FakeLog();
    spanning.append({ producerId: 3, epoch: 0, seq: 2147483647, count: 3 });
    expect(spanning.state.lastEntry(3)?.batches[0]?.lastSeq).toBe(1);
    expect(errorOf(() => spanning.append({ producerId: 3, epoch: 0, seq: 3, count: 1 })).message).toContain("expected sequence 2, got 3");
  });

  it("requires sequence 0 from a new epoch and fences older epochs", () => {
    const log = new FakeLog();
    log.append({ producerId: 7, epoch: 1, seq: 0, count: 4 });
    const newEpoch = errorOf(() => log.append({ producerId: 7, epoch: 2, seq: 4, count: 1 }));
    expect(newEpoch.type).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(newEpoch.message).toContain("producer 7 on orders-0");
    expect(newEpoch.message).toContain("new epoch 2 (current epoch 1) must start at sequence 0, got 4");
    expect(log.append({ producerId: 7, epoch: 2, seq: 0, count: 1 })).toEqual({ appended: { firstOffset: 4, lastOffset: 4 } });
    const old = errorOf(() => log.append({ producerId: 7, epoch: 1, seq: 4, count: 1 }));
    expect(old.type).toBe("INVALID_PRODUCER_EPOCH");
    expect(old.message).toBe(
      "INVALID_PRODUCER_EPOCH: producer 7 on orders-0: epoch 1 is older than the current epoch 2 (a newer instance fenced it)",
    );
    // The retry of a batch of the old epoch is no duplicate either.
    expect(errorOf(() => log.append({ producerId: 7, epoch: 1, seq: 0, count: 4 })).type).toBe("INVALID_PRODUCER_EPOCH");
  });

  it("lets non-idempotent batches through untouched", () => {
    const log = new FakeLog();
    expect(log.state.check(header({ producerId: -1, epoch: -1, seq: -1, count: 2 }))).toBe("append");
    log.state.update(header({ producerId: -1, epoch: -1, seq: -1, count: 2 }), 0);
    expect(log.state.producerCount).toBe(0);
  });

  it("refuses an idempotent batch without a sequence", () => {
    const log = new FakeLog();
    expect(errorOf(() => log.append({ producerId: 4, epoch: 0, seq: -1, count: 1 })).message).toContain(
      "invalid sequence number -1 in a batch of producer 4 for orders-0",
    );
  });

  it("forgets idle producers without open transactions", () => {
    const log = new FakeLog();
    log.append({ producerId: 1, epoch: 0, seq: 0, count: 1, timestamp: 1000 });
    log.append({ producerId: 2, epoch: 0, seq: 0, count: 1, timestamp: 1000, transactional: true });
    expect(log.state.removeExpiredProducers(1000 + 86_400_000)).toEqual([1]);
    // Producer 1 is unknown again: any sequence goes.
    expect(log.append({ producerId: 1, epoch: 0, seq: 77, count: 1 })).toMatchObject({ appended: {} });
  });
});

describe("transactions", () => {
  it("tracks the first unstable offset and completes transactions on markers", () => {
    const log = new FakeLog();
    log.append({ producerId: -1, epoch: -1, seq: -1, count: 2 }); // 0-1
    log.append({ producerId: 10, epoch: 0, seq: 0, count: 3, transactional: true }); // 2-4
    log.append({ producerId: -1, epoch: -1, seq: -1, count: 1 }); // 5
    expect(log.state.firstUnstableOffset()).toBe(2);
    expect(log.marker("COMMIT", 10, 0)).toEqual({
      producerId: 10,
      firstOffset: 2,
      lastOffset: 6,
      isAborted: false,
      lastStableOffset: 7,
    });
    expect(log.state.firstUnstableOffset()).toBeUndefined();
  });

  it("keeps the earliest open transaction as the bound and reports aborted ones", () => {
    const log = new FakeLog();
    log.append({ producerId: 1, epoch: 0, seq: 0, count: 2, transactional: true }); // 0-1
    log.append({ producerId: 2, epoch: 0, seq: 0, count: 2, transactional: true }); // 2-3
    log.append({ producerId: 1, epoch: 0, seq: 2, count: 1, transactional: true }); // 4
    expect(log.state.firstUnstableOffset()).toBe(0);
    expect(log.state.ongoingTransactions()).toEqual([
      { producerId: 1, firstOffset: 0 },
      { producerId: 2, firstOffset: 2 },
    ]);
    expect(log.marker("ABORT", 1, 0)).toEqual({ producerId: 1, firstOffset: 0, lastOffset: 5, isAborted: true, lastStableOffset: 2 });
    expect(log.state.firstUnstableOffset()).toBe(2);
    expect(log.marker("COMMIT", 2, 0)?.lastStableOffset).toBe(7);
  });

  it("refuses a non-transactional write inside an open transaction", () => {
    const log = new FakeLog();
    log.append({ producerId: 5, epoch: 0, seq: 0, count: 1, transactional: true });
    const e = errorOf(() => log.append({ producerId: 5, epoch: 0, seq: 1, count: 1 }));
    expect(e.type).toBe("INVALID_TXN_STATE");
    expect(e.message).toContain("producer 5 on orders-0");
  });

  it("returns nothing for a marker without data here, and fences markers of an old epoch", () => {
    const log = new FakeLog();
    expect(log.marker("COMMIT", 9, 0)).toBeUndefined();
    log.append({ producerId: 9, epoch: 1, seq: 0, count: 1, transactional: true });
    const e = errorOf(() => log.state.onControlBatch("COMMIT", 9, 99, { producerEpoch: 0 }));
    expect(e.type).toBe("INVALID_PRODUCER_EPOCH");
    expect(log.state.firstUnstableOffset()).toBe(1);
  });

  it("restarts sequences after a fencing abort with a bumped epoch", () => {
    const log = new FakeLog();
    log.append({ producerId: 3, epoch: 0, seq: 0, count: 2, transactional: true });
    // The coordinator aborts with the new epoch after a newer instance called initTransactions.
    log.marker("ABORT", 3, 1);
    expect(errorOf(() => log.append({ producerId: 3, epoch: 0, seq: 2, count: 1, transactional: true })).type).toBe(
      "INVALID_PRODUCER_EPOCH",
    );
    expect(errorOf(() => log.append({ producerId: 3, epoch: 1, seq: 2, count: 1, transactional: true })).message).toContain(
      "expected sequence 0, got 2",
    );
    expect(log.append({ producerId: 3, epoch: 1, seq: 0, count: 1, transactional: true })).toMatchObject({ appended: {} });
  });
});

describe("rebuildFrom", () => {
  it("restores the same state and the completed transactions from the log", () => {
    const log = new FakeLog();
    log.append({ producerId: 1, epoch: 0, seq: 0, count: 2 });
    log.append({ producerId: 2, epoch: 0, seq: 0, count: 1, transactional: true });
    log.append({ producerId: 1, epoch: 0, seq: 2, count: 1 });
    log.marker("ABORT", 2, 0);
    log.append({ producerId: 2, epoch: 0, seq: 1, count: 2, transactional: true });

    const rebuilt = new ProducerStateManager("orders", 0);
    const completed = rebuilt.rebuildFrom(log.batches);
    expect(completed).toEqual([{ producerId: 2, firstOffset: 2, lastOffset: 4, isAborted: true, lastStableOffset: 5 }]);
    expect(rebuilt.snapshot()).toEqual(log.state.snapshot());
    expect(rebuilt.firstUnstableOffset()).toBe(5);
    expect(rebuilt.check(header({ producerId: 1, epoch: 0, seq: 0, count: 2 }))).toEqual({
      duplicate: { firstOffset: 0, lastOffset: 1 },
    });
  });

  it("needs the marker type of a control batch", () => {
    const m = new ProducerStateManager("t", 1);
    const e = errorOf(() => m.rebuildFrom([{ header: markerHeader("COMMIT", 1, 0), firstOffset: 4 }]));
    expect(e.message).toContain("control batch at offset 4 on t-1");
  });

  it("round-trips through a snapshot", () => {
    const log = new FakeLog();
    log.append({ producerId: 1, epoch: 0, seq: 0, count: 2, transactional: true });
    const copy = new ProducerStateManager("orders", 0);
    copy.loadSnapshot(log.state.snapshot());
    expect(copy.firstUnstableOffset()).toBe(0);
    expect(copy.snapshot()).toEqual(log.state.snapshot());
  });

  it("agrees with live updates for any interleaving of producers (property)", () => {
    const step = fc.record({ producer: fc.integer({ min: 1, max: 3 }), count: fc.integer({ min: 1, max: 4 }) });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const log = new FakeLog();
        const nextSeq = new Map<number, number>();
        for (const s of steps) {
          const seq = nextSeq.get(s.producer) ?? 0;
          const r = log.append({ producerId: s.producer, epoch: 0, seq, count: s.count });
          expect(r).toMatchObject({ appended: {} });
          nextSeq.set(s.producer, seq + s.count);
          // A retry of the batch just written is always recognised.
          expect(log.append({ producerId: s.producer, epoch: 0, seq, count: s.count })).toHaveProperty("duplicate");
        }
        const rebuilt = new ProducerStateManager("orders", 0);
        rebuilt.rebuildFrom(log.batches);
        expect(rebuilt.snapshot()).toEqual(log.state.snapshot());
      }),
      { seed: 20240611, numRuns: 100 },
    );
  });
});
