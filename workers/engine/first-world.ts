/**
 * The small live world a new workspace starts with, so that the first thing a visitor
 * sees is Kafka moving: a `clicks` topic with three partitions fed by the clickstream
 * generator (a little out-of-order and late data included, for the windows view), a
 * `dashboard` group of two consumers reading it, and a windowed count of page views per
 * page that re-keys the stream (so its topology has a repartition topic and a changelog).
 */
import type { GeneratorInput } from "./generators/generator-runner";
import type { AddConsumerInput } from "./workbench-consumers";

export const FIRST_TOPIC = "clicks";
export const FIRST_GROUP = "dashboard";
export const FIRST_APPLICATION = "page-views";

export const FIRST_GENERATOR: GeneratorInput = {
  kind: "clickstream",
  topic: FIRST_TOPIC,
  ratePerSecond: 4,
  outOfOrder: 0.1,
  jitterMs: 3000,
  late: 0.03,
  lateByMs: 20_000,
};

export const FIRST_APPLICATION_SOURCE = `import { type StreamsBuilder, TimeWindows, Materialized, Duration } from "streamlab";

interface Click {
  userId: string;
  sessionId: string;
  page: string;
  action: string;
  referrer: string;
}

// Page views per page in 10-second windows; records up to 5 s late still count.
export default (builder: StreamsBuilder) => {
  builder
    .stream<string, Click>("clicks")
    .groupBy((_userId, click) => click.page)
    .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofSeconds(10), Duration.ofSeconds(5)))
    .count(Materialized.as("views-per-page"))
    .toStream()
    .to("page-views-10s");
};
`;

/** The workspace note holding the hint while it is shown. */
export const FIRST_HINT_NOTE = "hint:first-world";

/** One line under the top bar: what to try next. */
export const FIRST_HINT = "Kafka is running: clicks → a group of 2 consumers and a windowed count. Try: crash consumer-2 and watch its partitions move.";

export interface FirstWorldTarget {
  createTopic(input: { name: string; partitions: number }): Promise<unknown>;
  startGenerator(input: GeneratorInput): Promise<unknown>;
  addConsumer(input: AddConsumerInput): Promise<string>;
  /** Present once the engine runs stream applications. */
  startApplication?: (input: { applicationId: string; source: string; config?: Record<string, string | number | boolean> }) => Promise<unknown>;
}

export async function seedFirstWorld(target: FirstWorldTarget): Promise<void> {
  await target.createTopic({ name: FIRST_TOPIC, partitions: 3 });
  await target.startGenerator(FIRST_GENERATOR);
  for (let i = 0; i < 2; i++) await target.addConsumer({ groupId: FIRST_GROUP, topics: [FIRST_TOPIC], assignor: "range", recordsPerSecond: 1000 });
  if (target.startApplication) await target.startApplication({ applicationId: FIRST_APPLICATION, source: FIRST_APPLICATION_SOURCE });
}
