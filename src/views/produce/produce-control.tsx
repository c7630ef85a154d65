import { useState } from "react";
import { useBrokerStore } from "../../state/broker-store";

/** "Produce N records" into the selected topic through an idempotent acks=all producer. */
export function ProduceControl({ topic }: { topic: string }) {
  const produceRecords = useBrokerStore((s) => s.produceRecords);
  const progress = useBrokerStore((s) => s.produce);
  const ready = useBrokerStore((s) => s.connection === "ready");
  const [count, setCount] = useState("1000");
  const [keyed, setKeyed] = useState(true);
  const running = progress !== null && !progress.finished;
  const mine = progress?.topic === topic ? progress : null;

  return (
    <form
      className="produce"
      data-testid="produce-form"
      onSubmit={(e) => {
        e.preventDefault();
        void produceRecords(topic, Number(count), keyed);
      }}
    >
      <label>
        Produce
        <input
          data-testid="produce-count"
          type="number"
          min={1}
          max={1_000_000}
          value={count}
          onChange={(e) => setCount(e.target.value)}
          disabled={!ready || running}
          className="num"
        />
        records
      </label>
      <label title="Keys key-0 … key-7: Kafka's partitioner sends each key to one partition. Without keys, the sticky partitioner fills one batch at a time.">
        <input type="checkbox" data-testid="produce-keyed" checked={keyed} onChange={(e) => setKeyed(e.target.checked)} disabled={!ready || running} />
        with keys
      </label>
      <button type="submit" className="primary" data-testid="produce-submit" disabled={!ready || running}>
        Produce
      </button>
      <span className="produce-status" data-testid="produce-status" aria-live="polite" data-finished={mine?.finished ?? false}>
        {mine && !mine.finished && (
          <span className="num">
            {mine.done} / {mine.total}
          </span>
        )}
        {mine?.finished && mine.summary !== null && <span>Acknowledged {mine.total}: {mine.summary}</span>}
      </span>
    </form>
  );
}
