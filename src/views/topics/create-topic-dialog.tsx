import { useState, type FormEvent } from "react";
import { Modal } from "../../app/modal";
import { useStore } from "../../state/store";

interface Field {
  name: string;
  placeholder: string;
  explain: string;
}

/** The configs a learner sets most when making a topic, with Kafka's meaning in one line. */
const FIELDS: Field[] = [
  { name: "retention.ms", placeholder: "604800000 (7 days)", explain: "How long a closed segment is kept after its newest record; then the whole segment is deleted. -1 keeps forever." },
  { name: "retention.bytes", placeholder: "-1 (no limit)", explain: "The most bytes a partition keeps; the oldest segments go first." },
  { name: "segment.bytes", placeholder: "1073741824 (1 GiB)", explain: "The size at which the active segment is closed and a new one is rolled." },
  { name: "segment.ms", placeholder: "604800000 (7 days)", explain: "The age at which the active segment is rolled even if it is not full." },
  { name: "min.cleanable.dirty.ratio", placeholder: "0.5", explain: "Compaction starts when the dirty (not yet cleaned) share of the log exceeds this." },
  { name: "delete.retention.ms", placeholder: "86400000 (1 day)", explain: "How long a tombstone stays visible after the cleaner first keeps it." },
];

export function CreateTopicDialog({ onClose }: { onClose: () => void }) {
  const createTopic = useStore((s) => s.createTopic);
  const [name, setName] = useState("");
  const [partitions, setPartitions] = useState("3");
  const [cleanup, setCleanup] = useState("delete");
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const config: Record<string, string> = {};
    if (cleanup !== "delete") config["cleanup.policy"] = cleanup;
    for (const [k, v] of Object.entries(values)) if (v.trim() !== "") config[k] = v.trim();
    setBusy(true);
    const ok = await createTopic({ name: name.trim(), partitions: Number(partitions), config });
    setBusy(false);
    if (ok) onClose();
    else {
      setError(useStore.getState().actionError);
      useStore.getState().clearError();
    }
  }

  return (
    <Modal title="New topic" onClose={onClose} testId="create-topic-dialog">
      <form className="create-topic form-grid" data-testid="create-topic-form" onSubmit={(e) => void submit(e)}>
        <label>
          <span className="label">Name</span>
          <input data-testid="create-topic-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="orders" required autoFocus />
          <span className="explain">Letters, digits, ".", "_" and "-", up to 249 characters.</span>
        </label>
        <label>
          <span className="label">Partitions</span>
          <input data-testid="create-topic-partitions" type="number" min={1} max={64} value={partitions} onChange={(e) => setPartitions(e.target.value)} />
          <span className="explain">Ordered logs the topic is split into; a key always goes to the same partition.</span>
        </label>
        <label>
          <span className="label">cleanup.policy</span>
          <select data-testid="create-topic-cleanup" value={cleanup} onChange={(e) => setCleanup(e.target.value)}>
            <option value="delete">delete</option>
            <option value="compact">compact</option>
            <option value="compact,delete">compact,delete</option>
          </select>
          <span className="explain">delete: old segments go by time or size. compact: keep at least the latest value per key.</span>
        </label>
        {FIELDS.map((f) => (
          <label key={f.name}>
            <span className="label">{f.name}</span>
            <input
              data-testid={`create-topic-${f.name.replace(/\./g, "-")}`}
              inputMode="decimal"
              value={values[f.name] ?? ""}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              placeholder={f.placeholder}
            />
            <span className="explain">{f.explain}</span>
          </label>
        ))}
        {error && (
          <p className="form-error" role="alert" data-testid="create-topic-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="create-topic-submit" disabled={busy}>
            Create topic
          </button>
        </div>
      </form>
    </Modal>
  );
}
