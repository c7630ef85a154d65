import { describe, expect, it } from "vitest";
import { consoleCommand, formatLine } from "./console-panel";

describe("console consumer", () => {
  it("prints the command with the chosen properties", () => {
    expect(consoleCommand("clicks", true, { key: true, partition: false, offset: true, timestamp: false })).toBe(
      "kafka-console-consumer --bootstrap-server streamlab:9092 --topic clicks --from-beginning --property print.key=true --property print.offset=true",
    );
    expect(consoleCommand("t", false, { key: false, partition: false, offset: false, timestamp: false })).toBe("kafka-console-consumer --bootstrap-server streamlab:9092 --topic t");
  });

  it("prints a record's fields tab-separated, nulls as null", () => {
    const line = { id: "0-1", partition: 2, offset: 41, timestamp: 1700000000000, key: null, value: '{"a":1}' };
    expect(formatLine(line, { key: true, partition: true, offset: true, timestamp: true })).toBe('CreateTime:1700000000000\tPartition:2\tOffset:41\tnull\t{"a":1}');
    expect(formatLine({ ...line, value: null }, { key: false, partition: false, offset: false, timestamp: false })).toBe("null");
  });
});
