import { useBrokerStore } from "../../state/broker-store";
import { ProduceControl } from "../produce/produce-control";
import { PartitionTable } from "./partition-table";

/** The selected topic: its settings that differ from Kafka's defaults, a producer, its partitions. */
export function TopicView() {
  const description = useBrokerStore((s) => s.description);
  const ready = useBrokerStore((s) => s.connection === "ready");
  const hasTopics = useBrokerStore((s) => s.topics.length > 0);
  const connection = useBrokerStore((s) => s.connection);

  if (connection === "another-tab") {
    return (
      <section className="topic-view empty-state" data-testid="topic-view-waiting">
        <h2>Waiting for the broker</h2>
        <p>One broker owns this site's files at a time, so that no two tabs ever write the same partition log. Topics appear here as soon as this tab takes over.</p>
      </section>
    );
  }
  if (!ready) return <section className="topic-view" />;
  if (!description) {
    return (
      <section className="topic-view empty-state" data-testid="topic-view-empty">
        <h2>{hasTopics ? "Pick a topic" : "No topics yet"}</h2>
        <p>
          {hasTopics
            ? "Choose a topic on the left to see its partitions."
            : "Create a topic on the left, then produce records into it and watch its partitions grow: offsets, the high watermark and the segment files."}
        </p>
      </section>
    );
  }
  const overrides = description.config.filter((c) => !c.isDefault);
  return (
    <section className="topic-view" data-testid="topic-view" aria-labelledby="topic-title">
      <header className="topic-header">
        <h2 id="topic-title" data-testid="topic-title">
          {description.name}
        </h2>
        <span className="topic-facts">
          {description.partitions.length} partition{description.partitions.length === 1 ? "" : "s"}
          {overrides.map((c) => (
            <code key={c.name} className="config-chip" title={c.doc}>
              {c.name}={c.value}
            </code>
          ))}
        </span>
      </header>
      <ProduceControl topic={description.name} />
      <PartitionTable partitions={description.partitions} />
    </section>
  );
}
