import { describe, expect, it } from "vitest";
import { PartitionGroup } from "./partition-group";

const rec = (topic: string, partition: number, offset: number, timestamp: number) => ({ topic, partition, offset, timestamp, key: null, value: null });

describe("PartitionGroup", () => {
  it("polls the buffered head with the smallest timestamp, ties to the first partition", () => {
    const g = new PartitionGroup();
    g.addPartition("orders", 0);
    g.addPartition("customers", 0);
    g.add([rec("orders", 0, 0, 10), rec("orders", 0, 1, 30), rec("customers", 0, 0, 10), rec("customers", 0, 1, 20)]);
    const order: string[] = [];
    for (let r = g.poll(); r; r = g.poll()) order.push(`${r.topic}@${r.offset}`);
    expect(order).toEqual(["orders@0", "customers@0", "customers@1", "orders@1"]);
    expect(g.size()).toBe(0);
  });
});
