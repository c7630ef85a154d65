import type { PartitionAssignor } from "./assignor";
import { CooperativeStickyAssignor } from "./cooperative-sticky-assignor";
import { KafkaError } from "../protocol/errors";
import { RangeAssignor } from "./range-assignor";
import { RoundRobinAssignor } from "./round-robin-assignor";
import { StickyAssignor } from "./sticky-assignor";

/** The built-in assignors by the protocol names consumers advertise. */
const FACTORIES: Record<string, () => PartitionAssignor> = {
  range: () => new RangeAssignor(),
  roundrobin: () => new RoundRobinAssignor(),
  sticky: () => new StickyAssignor(),
  "cooperative-sticky": () => new CooperativeStickyAssignor(),
};

/** Java class names people copy from Kafka configs (`partition.assignment.strategy`). */
const CLASS_NAMES: Record<string, string> = {
  RangeAssignor: "range",
  RoundRobinAssignor: "roundrobin",
  StickyAssignor: "sticky",
  CooperativeStickyAssignor: "cooperative-sticky",
};

export const ASSIGNOR_NAMES: readonly string[] = Object.keys(FACTORIES);

/**
 * The assignor for a name, a Java class name (`RangeAssignor`) or a fully qualified one
 * (`org.apache.kafka.clients.consumer.RangeAssignor`). An unknown name is a configuration error,
 * as in the Java client, which refuses to construct the consumer (ConfigException); the broker's
 * INCONSISTENT_GROUP_PROTOCOL is a different failure: members that share no assignor.
 */
export function assignorFor(name: string): PartitionAssignor {
  const simple = name.startsWith("org.apache.kafka.clients.consumer.") ? name.slice(name.lastIndexOf(".") + 1) : name;
  const key = CLASS_NAMES[simple] ?? simple;
  const factory = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
  if (!factory) {
    throw new KafkaError(
      "INVALID_CONFIG",
      `partition.assignment.strategy: unknown assignor "${name}"; valid assignors are ${ASSIGNOR_NAMES.join(", ")}`,
    );
  }
  return factory();
}

/** The protocol name an assignor spec resolves to, validating it on the way. */
export function assignorName(name: string): string {
  return assignorFor(name).name;
}
