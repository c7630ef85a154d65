import { useStore } from "../../state/store";
import { PartitionTape } from "./partition-tape";

/** The selected topic's partitions as tapes, under a header with the topic's facts. */
export function PartitionsView() {
  const description = useStore((s) => s.description);
  if (!description) return null;
  return (
    <section className="partitions-view" data-testid="partitions-view" aria-label={`Partitions of ${description.name}`}>
      <PartitionTape key={description.name} description={description} />
    </section>
  );
}
