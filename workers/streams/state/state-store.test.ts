import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Serdes, type Serde } from "../serdes";
import { ValueAndTimestamp, valueAndTimestampSerde } from "./state-store";

describe("timestamped value serde", () => {
  it("writes a Long value in place exactly as the general path writes it, and reads it back", () => {
    const fast = valueAndTimestampSerde(Serdes.Long());
    // A copy of the Long serde is not recognised as one: it takes the general path.
    const general = valueAndTimestampSerde<number>({ ...Serdes.Long() } as Serde<number>);
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }).chain((v) => fc.tuple(fc.constant(v), fc.nat())), ([value, ts]) => {
        const vt = ValueAndTimestamp.make(value, ts)!;
        const bytes = fast.serialize("t", vt)!;
        expect([...bytes]).toEqual([...general.serialize("t", vt)!]);
        const back = fast.deserialize("t", bytes);
        expect([back.value(), back.timestamp()]).toEqual([value, ts]);
      }),
      { seed: 5, numRuns: 200 },
    );
  });

  it("refuses a value that is no Long with the Long serializer's error", () => {
    const vt = ValueAndTimestamp.make(1.5, 3)!;
    expect(() => valueAndTimestampSerde(Serdes.Long()).serialize("t", vt)).toThrow("LongSerializer cannot serialize 1.5");
  });
});
