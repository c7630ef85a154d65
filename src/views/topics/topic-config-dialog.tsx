import { useMemo, useState } from "react";
import { Modal } from "../../app/modal";
import { useStore } from "../../state/store";

/** Every config of the selected topic with Kafka's explanation; changed values are altered in place. */
export function TopicConfigDialog({ onClose }: { onClose: () => void }) {
  const description = useStore((s) => s.description);
  const alterTopicConfig = useStore((s) => s.alterTopicConfig);
  const deleteTopic = useStore((s) => s.deleteTopic);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<string | null>(null);
  const entries = useMemo(() => (description?.config ?? []).filter((c) => c.name.includes(filter.trim())), [description, filter]);
  if (!description) return null;

  async function save() {
    const set: Record<string, string> = {};
    const reset: string[] = [];
    for (const [k, v] of Object.entries(edits)) {
      if (v.trim() === "") reset.push(k);
      else set[k] = v.trim();
    }
    const ok = await alterTopicConfig(description!.name, set, reset);
    if (ok) {
      setEdits({});
      setError(null);
    } else {
      setError(useStore.getState().actionError);
      useStore.getState().clearError();
    }
  }

  return (
    <Modal title={`Configs of ${description.name}`} onClose={onClose} testId="topic-config-dialog" wide>
      <div className="config-toolbar">
        <input aria-label="Filter configs" placeholder="Filter, e.g. retention" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="quiet">
          {description.partitions.length} partitions · replication factor {description.replicationFactor}
        </span>
      </div>
      <div className="config-table-wrap">
        <table className="config-table" data-testid="config-table">
          <thead>
            <tr>
              <th scope="col">Config</th>
              <th scope="col">Value</th>
              <th scope="col">What it does</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((c) => (
              <tr key={c.name} data-testid={`config-${c.name}`} className={c.isDefault ? "" : "overridden"}>
                <th scope="row">
                  <code>{c.name}</code>
                  {!c.isDefault && <span className="badge">set</span>}
                </th>
                <td>
                  <input
                    aria-label={c.name}
                    className="num"
                    value={edits[c.name] ?? c.value ?? ""}
                    onChange={(e) => setEdits({ ...edits, [c.name]: e.target.value })}
                  />
                  <div className="explain">{c.valid}</div>
                </td>
                <td className="config-doc">{c.doc}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button
          type="button"
          className="danger"
          onClick={() => {
            if (window.confirm(`Delete topic "${description.name}" and all its segment files?`)) void deleteTopic(description.name).then(onClose);
          }}
        >
          Delete topic
        </button>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
        <button type="button" className="primary" data-testid="config-save" disabled={Object.keys(edits).length === 0} onClick={() => void save()}>
          Apply changes
        </button>
      </div>
    </Modal>
  );
}
