import { formatCount } from "../../app/format";
import { keyColour } from "../../app/key-colours";
import type { OrderingSummary, ViolationKind } from "../../engine-client/workbench-types";

export const KIND_LABEL: Record<ViolationKind, { label: string; hint: string }> = {
  "offset-regression": {
    label: "replayed",
    hint: "A key processed again at an offset at or below one already processed: a rebalance before the commit, a crash, or a rewind. Downstream sees older states after newer ones.",
  },
  "partition-change": {
    label: "changed partition",
    hint: "A key arrived from another partition than before (more partitions, or a custom partitioner): Kafka orders a key only within one partition.",
  },
  "event-time-regression": {
    label: "event time went back",
    hint: "A record carries an earlier timestamp than the key's previous one: the log is in order, the events in it are not (late or out-of-order producers).",
  },
};

/** Where ordering broke in this group: counts by kind, and the latest cases spelled out. */
/** `byLabel` names who processed each example ("task" for an application's tasks); the groups view's explanations name their member already. */
export function OrderingPanel({ ordering, byLabel }: { ordering: OrderingSummary | null; byLabel?: string }) {
  if (!ordering) return null;
  const kinds = Object.keys(KIND_LABEL) as ViolationKind[];
  const examples = [...ordering.examples].reverse().slice(0, 5);
  return (
    <section className="ordering" aria-label="Ordering per key" data-testid="ordering-panel">
      <div className="panel-title">
        <h3>Ordering per key</h3>
      </div>
      <ul className="ordering-counts">
        {kinds.map((k) => (
          <li key={k} title={KIND_LABEL[k].hint} className={ordering.counts[k] > 0 ? "has" : ""}>
            <span className="num ordering-count" data-testid={`ordering-count-${k}`}>
              {formatCount(ordering.counts[k])}
            </span>{" "}
            {KIND_LABEL[k].label}
          </li>
        ))}
      </ul>
      {examples.length === 0 ? (
        <p className="quiet">Every key so far was processed in order: one partition per key, offsets only going up.</p>
      ) : (
        <ol className="ordering-examples" data-testid="ordering-examples">
          {examples.map((v, i) => (
            <li key={`${v.kind}-${v.topic}-${v.partition}-${v.offset}-${i}`}>
              <span className="key-chip" style={{ background: keyColour(v.key) }} aria-hidden="true" />
              <span className={`ordering-kind ${v.kind}`}>{KIND_LABEL[v.kind].label}</span>{" "}
              {byLabel && (
                <span className="num ordering-by" data-testid="ordering-by">
                  {byLabel} {v.by}:{" "}
                </span>
              )}
              {v.explanation}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
