import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import { ProducerIdManager } from "./producer-ids";

function errorOf(fn: () => unknown): { type: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isKafkaError(e)) return { type: e.type, message: e.message };
    throw e;
  }
  throw new Error("expected a KafkaError");
}

describe("ProducerIdManager", () => {
  it("gives idempotent producers fresh ids with epoch 0, from a counter", () => {
    const m = new ProducerIdManager();
    expect(m.initProducerId()).toEqual({ producerId: 0, producerEpoch: 0 });
    expect(m.initProducerId({ transactionalId: null })).toEqual({ producerId: 1, producerEpoch: 0 });
    expect(new ProducerIdManager({ firstProducerId: 1000 }).initProducerId()).toEqual({ producerId: 1000, producerEpoch: 0 });
  });

  it("keeps one id per transactional.id and bumps the epoch, reporting whom it fenced", () => {
    const m = new ProducerIdManager();
    expect(m.initProducerId({ transactionalId: "tx-a" })).toEqual({ producerId: 0, producerEpoch: 0 });
    expect(m.initProducerId({ transactionalId: "tx-b" })).toEqual({ producerId: 1, producerEpoch: 0 });
    expect(m.initProducerId({ transactionalId: "tx-a" })).toEqual({
      producerId: 0,
      producerEpoch: 1,
      fenced: { producerId: 0, producerEpoch: 0 },
    });
    expect(m.current("tx-a")).toMatchObject({ producerId: 0, producerEpoch: 1, transactionTimeoutMs: 60_000 });
    expect(m.current("nope")).toBeUndefined();
  });

  it("fences the old instance in later transactional requests", () => {
    const m = new ProducerIdManager();
    m.initProducerId({ transactionalId: "tx" });
    m.initProducerId({ transactionalId: "tx" });
    expect(() => m.checkProducer("tx", 0, 1)).not.toThrow();
    const fenced = errorOf(() => m.checkProducer("tx", 0, 0));
    expect(fenced.type).toBe("PRODUCER_FENCED");
    expect(fenced.message).toContain('transactional.id "tx": producer 0 epoch 0 was fenced by epoch 1');
    expect(errorOf(() => m.checkProducer("tx", 5, 1)).type).toBe("INVALID_PRODUCER_ID_MAPPING");
    expect(errorOf(() => m.checkProducer("other", 0, 0)).message).toContain('transactional.id "other" is not known');
  });

  it("checks the id and epoch a re-initializing producer claims (KIP-360)", () => {
    const m = new ProducerIdManager();
    const first = m.initProducerId({ transactionalId: "tx" });
    expect(m.initProducerId({ transactionalId: "tx", expected: first })).toMatchObject({ producerId: 0, producerEpoch: 1 });
    const e = errorOf(() => m.initProducerId({ transactionalId: "tx", expected: first }));
    expect(e.type).toBe("PRODUCER_FENCED");
    expect(e.message).toContain("producer 0 epoch 0 is not the current one (producer 0 epoch 1)");
  });

  it("moves to a new producer id before the epoch overflows", () => {
    const m = ProducerIdManager.restore({
      nextProducerId: 9,
      transactional: [{ transactionalId: "tx", producerId: 4, producerEpoch: 32766, transactionTimeoutMs: 60_000 }],
    });
    expect(m.initProducerId({ transactionalId: "tx" })).toEqual({
      producerId: 9,
      producerEpoch: 0,
      fenced: { producerId: 4, producerEpoch: 32766 },
    });
  });

  it("validates the transaction timeout against transaction.max.timeout.ms", () => {
    const m = new ProducerIdManager();
    const e = errorOf(() => m.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 900_001 }));
    expect(e.type).toBe("INVALID_TRANSACTION_TIMEOUT");
    expect(e.message).toContain('transactional.id "tx": transaction.timeout.ms 900001');
    expect(errorOf(() => m.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 0 })).type).toBe("INVALID_TRANSACTION_TIMEOUT");
    expect(errorOf(() => m.initProducerId({ transactionalId: "" })).type).toBe("INVALID_REQUEST");
    expect(m.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 900_000 })).toEqual({ producerId: 0, producerEpoch: 0 });
  });

  it("survives a snapshot and restore", () => {
    const m = new ProducerIdManager();
    m.initProducerId({ transactionalId: "tx", transactionTimeoutMs: 10_000 });
    m.initProducerId();
    const restored = ProducerIdManager.restore(JSON.parse(JSON.stringify(m.snapshot())));
    expect(restored.snapshot()).toEqual(m.snapshot());
    expect(restored.initProducerId()).toEqual({ producerId: 2, producerEpoch: 0 });
    expect(restored.initProducerId({ transactionalId: "tx" })).toMatchObject({ producerId: 0, producerEpoch: 1 });
  });
});
