import { describe, expect, it } from "vitest";
import { KafkaError } from "./errors";
import { fromSeamError, isSeamError, toSeamError } from "./seam-error";

describe("errors across the worker seam", () => {
  it("a KafkaError survives structured clone and comes back with its type and message", () => {
    const original = new KafkaError("OFFSET_OUT_OF_RANGE", 'fetch offset 12 is out of range for partition "t-0"');
    const crossed = structuredClone(toSeamError(original));
    expect(crossed).toEqual({ type: "OFFSET_OUT_OF_RANGE", message: 'OFFSET_OUT_OF_RANGE: fetch offset 12 is out of range for partition "t-0"' });
    const rebuilt = fromSeamError(crossed);
    expect(rebuilt).toBeInstanceOf(KafkaError);
    expect(rebuilt.message).toBe(original.message);
    expect((rebuilt as KafkaError).code).toBe(1);
    expect((rebuilt as KafkaError).retriable).toBe(false);
  });

  it("anything else crosses as UNKNOWN_SERVER_ERROR naming what was thrown", () => {
    expect(toSeamError(new TypeError("x is undefined"))).toEqual({
      type: "UNKNOWN_SERVER_ERROR",
      message: "UNKNOWN_SERVER_ERROR: TypeError: x is undefined",
    });
    expect(toSeamError("plain")).toEqual({ type: "UNKNOWN_SERVER_ERROR", message: "UNKNOWN_SERVER_ERROR: plain" });
  });

  it("only objects with a known error name count as seam errors", () => {
    expect(isSeamError({ type: "TOPIC_ALREADY_EXISTS", message: "m" })).toBe(true);
    expect(isSeamError({ type: "NOT_AN_ERROR", message: "m" })).toBe(false);
    expect(isSeamError({ type: "TOPIC_ALREADY_EXISTS" })).toBe(false);
    expect(isSeamError(null)).toBe(false);
    const dead = new Error("Worker terminated");
    expect(fromSeamError(dead)).toBe(dead);
    expect(fromSeamError(42).message).toBe("42");
  });
});
