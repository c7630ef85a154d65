import { describe, expect, it } from "vitest";
import { Change, Serdes, SessionWindow, TimeWindow, Windowed, WindowedSerdes } from "./index";
import { DEFAULT_SERDE, serializeWindowedKey } from "./serdes";
import { changeSerde } from "./processor/change-serde";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("serdes", () => {
  it("the default serde follows SCENARIO.md: strings are UTF-8, other values JSON; JSON-looking bytes read back as JSON", () => {
    expect(DEFAULT_SERDE.serialize("t", "héllo")).toEqual(bytes("héllo"));
    expect(DEFAULT_SERDE.serialize("t", { a: [1, 2] })).toEqual(bytes('{"a":[1,2]}'));
    expect(DEFAULT_SERDE.serialize("t", 17)).toEqual(bytes("17"));
    expect(DEFAULT_SERDE.serialize("t", null)).toBeNull();
    expect(DEFAULT_SERDE.deserialize("t", bytes('{"a":1}'))).toEqual({ a: 1 });
    expect(DEFAULT_SERDE.deserialize("t", bytes("17"))).toBe(17);
    expect(DEFAULT_SERDE.deserialize("t", bytes("Normal,37.31"))).toBe("Normal,37.31");
    expect(DEFAULT_SERDE.deserialize("t", bytes("{broken"))).toBe("{broken");
    expect(DEFAULT_SERDE.deserialize("t", null)).toBeNull();
  });

  it("Long, Integer and Double use Kafka's big-endian layouts", () => {
    expect([...Serdes.Long().serialize("t", -2)!]).toEqual([255, 255, 255, 255, 255, 255, 255, 254]);
    expect(Serdes.Long().deserialize("t", Serdes.Long().serialize("t", 1704104220000))).toBe(1704104220000);
    expect([...Serdes.Integer().serialize("t", 258)!]).toEqual([0, 0, 1, 2]);
    expect(Serdes.Double().deserialize("t", Serdes.Double().serialize("t", 37.31))).toBe(37.31);
    expect(() => Serdes.Long().deserialize("t", new Uint8Array(3))).toThrow("Size of data received by LongDeserializer is not 8");
  });

  it("windowed keys: key bytes + 8-byte start (time windows), + 8-byte end + 8-byte start (sessions)", () => {
    const time = serializeWindowedKey(Serdes.String(), "t", new Windowed("ab", new TimeWindow(256, 356)));
    expect([...time]).toEqual([97, 98, 0, 0, 0, 0, 0, 0, 1, 0]);
    const session = serializeWindowedKey(Serdes.String(), "t", new Windowed("a", new SessionWindow(1, 2)));
    expect([...session]).toEqual([97, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1]);
    const w = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 100).deserialize("t", time);
    expect([w.key(), w.window().start(), w.window().end()]).toEqual(["ab", 256, 356]);
    const s = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String()).deserialize("t", session);
    expect([s.key(), s.window().start(), s.window().end()]).toEqual(["a", 1, 2]);
  });

  it("KTable changes cross repartition topics in Kafka's ChangedSerializer layout", () => {
    const serde = changeSerde(Serdes.String());
    expect([...serde.serialize("t", new Change<string>("n", null))!]).toEqual([110, 1]);
    expect([...serde.serialize("t", new Change<string>(null, "o"))!]).toEqual([111, 0]);
    // Both values: zigzag varint of the new value's length (1 -> 2), new, old, flag 2.
    expect([...serde.serialize("t", new Change("n", "old"))!]).toEqual([2, 110, 111, 108, 100, 2]);
    const back = serde.deserialize("t", serde.serialize("t", new Change("n", "old")));
    expect([back.newValue, back.oldValue]).toEqual(["n", "old"]);
    expect(() => serde.serialize("t", new Change<string>(null, null))).toThrow("Both old and new values are null");
  });

  it("Windowed prints like Kafka and as JSON like the runner", () => {
    const w = new Windowed("k", new TimeWindow(0, 5));
    expect(w.toString()).toBe("[k@0/5]");
    expect(JSON.stringify(w)).toBe('{"key":"k","window":{"start":0,"end":5}}');
    expect(new TimeWindow(0, 5).toString()).toBe("Window{startMs=0, endMs=5}");
  });
});
