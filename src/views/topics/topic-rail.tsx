import { useState, type FormEvent } from "react";
import { useBrokerStore } from "../../state/broker-store";

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function TopicRail() {
  const topics = useBrokerStore((s) => s.topics);
  const selected = useBrokerStore((s) => s.selected);
  const selectTopic = useBrokerStore((s) => s.selectTopic);
  const ready = useBrokerStore((s) => s.connection === "ready");

  return (
    <aside className="rail" aria-label="Topics">
      <h2 className="rail-heading">Topics</h2>
      {topics.length === 0 ? (
        <p className="empty" data-testid="topic-list-empty">
          {ready ? "No topics yet — create one below." : "—"}
        </p>
      ) : (
        <ul className="topic-list" data-testid="topic-list">
          {topics.map((t) => (
            <li key={t.name}>
              <button
                type="button"
                className={t.name === selected ? "topic-item selected" : "topic-item"}
                aria-current={t.name === selected}
                data-testid={`topic-item-${t.name}`}
                onClick={() => selectTopic(t.name)}
                title={`${t.records} records below the high watermarks, ${formatBytes(t.sizeInBytes)} in segments`}
              >
                <span className="topic-name">{t.name}</span>
                <span className="topic-meta num">
                  {t.partitions}p · {t.records}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <CreateTopicForm disabled={!ready} />
    </aside>
  );
}

function CreateTopicForm({ disabled }: { disabled: boolean }) {
  const createTopic = useBrokerStore((s) => s.createTopic);
  const [name, setName] = useState("");
  const [partitions, setPartitions] = useState("3");
  const [cleanup, setCleanup] = useState("delete");
  const [retentionMs, setRetentionMs] = useState("");
  const [segmentBytes, setSegmentBytes] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const config: Record<string, string | number> = {};
    if (cleanup !== "delete") config["cleanup.policy"] = cleanup;
    if (retentionMs.trim() !== "") config["retention.ms"] = Number(retentionMs);
    if (segmentBytes.trim() !== "") config["segment.bytes"] = Number(segmentBytes);
    setBusy(true);
    const ok = await createTopic({ name: name.trim(), partitions: Number(partitions), config });
    setBusy(false);
    if (ok) {
      setName("");
      setError(null);
    } else {
      setError(useBrokerStore.getState().actionError);
      useBrokerStore.getState().clearError();
    }
  }

  return (
    <form className="create-topic" data-testid="create-topic-form" onSubmit={(e) => void submit(e)}>
      <h3>New topic</h3>
      <label>
        Name
        <input data-testid="create-topic-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="orders" required disabled={disabled} />
      </label>
      <label title="How many partitions (ordered logs) the topic is split into">
        Partitions
        <input data-testid="create-topic-partitions" type="number" min={1} max={64} value={partitions} onChange={(e) => setPartitions(e.target.value)} disabled={disabled} />
      </label>
      <label title="cleanup.policy: delete old segments by time/size, or keep the latest value per key">
        cleanup.policy
        <select data-testid="create-topic-cleanup" value={cleanup} onChange={(e) => setCleanup(e.target.value)} disabled={disabled}>
          <option value="delete">delete</option>
          <option value="compact">compact</option>
          <option value="compact,delete">compact,delete</option>
        </select>
      </label>
      <label title="retention.ms: how long records are kept before their segment is deleted (default 7 days)">
        retention.ms
        <input data-testid="create-topic-retention" inputMode="numeric" value={retentionMs} onChange={(e) => setRetentionMs(e.target.value)} placeholder="604800000" disabled={disabled} />
      </label>
      <label title="segment.bytes: the size at which the active segment is closed and a new one rolled (default 1 GiB)">
        segment.bytes
        <input data-testid="create-topic-segment-bytes" inputMode="numeric" value={segmentBytes} onChange={(e) => setSegmentBytes(e.target.value)} placeholder="1073741824" disabled={disabled} />
      </label>
      <button type="submit" className="primary" data-testid="create-topic-submit" disabled={disabled || busy}>
        Create topic
      </button>
      {error && (
        <p className="form-error" role="alert" data-testid="create-topic-error">
          {error}
        </p>
      )}
    </form>
  );
}
