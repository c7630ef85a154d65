/**
 * Produce one record by hand (key, value, partition, headers, timestamp), or many at
 * once. A record from the message browser or the inspector arrives here to be edited
 * and sent again, e.g. out of a dead-letter topic.
 */
import { useEffect, useState, type FormEvent } from "react";
import type { JsonRecordInput } from "../../engine-client/broker-client";
import { useStore } from "../../state/store";
import { TopicPicker } from "./topic-picker";

interface HeaderRow {
  key: string;
  value: string;
}

/** JSON when the text is a JSON object, array, number, boolean or null; the text itself otherwise. */
export function valueFromText(text: string): JsonRecordInput["value"] {
  const t = text.trim();
  if (t === "") return "";
  if (/^[{[\-0-9tfn]/.test(t)) {
    try {
      return JSON.parse(t) as JsonRecordInput["value"];
    } catch {
      return text;
    }
  }
  return text;
}

function textOf(value: JsonRecordInput["value"] | undefined): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

export function ProduceForm() {
  const selected = useStore((s) => s.selected);
  const draft = useStore((s) => s.produceDraft);
  const clearDraft = useStore((s) => s.clearDraft);
  const produceJson = useStore((s) => s.produceJson);
  const ready = useStore((s) => s.connection === "ready");
  const [topic, setTopic] = useState(selected ?? "");
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [tombstone, setTombstone] = useState(false);
  const [partition, setPartition] = useState("");
  const [timestamp, setTimestamp] = useState("");
  const [headers, setHeaders] = useState<HeaderRow[]>([]);
  const [result, setResult] = useState<string | null>(null);

  useEffect(() => {
    if (!topic && selected) setTopic(selected);
  }, [selected, topic]);

  useEffect(() => {
    if (!draft) return;
    setTopic(draft.topic);
    setKey(draft.record.key === undefined || draft.record.key === null ? "" : String(draft.record.key));
    setValue(textOf(draft.record.value));
    setTombstone(draft.record.value === null);
    setHeaders(Object.entries(draft.record.headers ?? {}).map(([k, v]) => ({ key: k, value: v ?? "" })));
    setResult("Loaded for re-producing: edit it, pick a topic and send.");
    clearDraft();
  }, [draft, clearDraft]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const record: JsonRecordInput = { value: tombstone ? null : valueFromText(value) };
    if (key !== "") record.key = key;
    if (partition.trim() !== "") record.partition = Number(partition);
    if (timestamp.trim() !== "") record.timestamp = Number(timestamp);
    const hs = headers.filter((h) => h.key.trim() !== "");
    if (hs.length > 0) record.headers = Object.fromEntries(hs.map((h) => [h.key, h.value]));
    const summary = await produceJson(topic, [record]);
    if (summary) {
      const p = summary.partitions[0];
      setResult(p ? `Acknowledged: partition ${p.partition}, offset ${p.firstOffset}` : "Acknowledged");
    } else setResult(null);
  }

  return (
    <div className="produce-panels">
      <form className="produce-form form-grid" data-testid="produce-record-form" onSubmit={(e) => void submit(e)} aria-label="Produce a record">
        <TopicPicker value={topic} onChange={setTopic} testId="produce-topic" />
        <label>
          <span className="label">Key</span>
          <input data-testid="produce-key" value={key} onChange={(e) => setKey(e.target.value)} placeholder="none: sticky partitioner" />
        </label>
        <label className="span-2">
          <span className="label">Value</span>
          <textarea data-testid="produce-value" rows={3} value={value} onChange={(e) => setValue(e.target.value)} disabled={tombstone} placeholder='{"amount": 42} or plain text' />
        </label>
        <label className="checkbox">
          <input type="checkbox" data-testid="produce-tombstone" checked={tombstone} onChange={(e) => setTombstone(e.target.checked)} />
          Tombstone (null value: deletes the key when compacted)
        </label>
        <label>
          <span className="label">Partition</span>
          <input data-testid="produce-partition" inputMode="numeric" value={partition} onChange={(e) => setPartition(e.target.value)} placeholder="by key hash (murmur2)" />
        </label>
        <label>
          <span className="label">Timestamp (ms)</span>
          <input data-testid="produce-timestamp" inputMode="numeric" value={timestamp} onChange={(e) => setTimestamp(e.target.value)} placeholder="now (engine time)" />
        </label>
        <fieldset className="headers-field span-2">
          <legend>Headers</legend>
          {headers.map((h, i) => (
            <div className="header-row" key={i}>
              <input aria-label={`Header ${i + 1} name`} data-testid={`produce-header-key-${i}`} value={h.key} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))} />
              <input aria-label={`Header ${i + 1} value`} data-testid={`produce-header-value-${i}`} value={h.value} onChange={(e) => setHeaders(headers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} />
              <button type="button" className="small" aria-label={`Remove header ${i + 1}`} onClick={() => setHeaders(headers.filter((_, j) => j !== i))}>
                ✕
              </button>
            </div>
          ))}
          <button type="button" className="small" data-testid="produce-add-header" onClick={() => setHeaders([...headers, { key: "", value: "" }])}>
            + Header
          </button>
        </fieldset>
        <div className="form-actions span-2">
          <button type="submit" className="primary" data-testid="produce-send" disabled={!ready || topic === ""}>
            Produce record
          </button>
          <span className="produce-result" data-testid="produce-result" aria-live="polite">
            {result}
          </span>
        </div>
      </form>
      <BulkProduce topic={topic} />
    </div>
  );
}

/** "Produce N records" into a topic through an idempotent acks=all producer. */
function BulkProduce({ topic }: { topic: string }) {
  const produceRecords = useStore((s) => s.produceRecords);
  const progress = useStore((s) => s.produce);
  const ready = useStore((s) => s.connection === "ready");
  const [count, setCount] = useState("1000");
  const [keyed, setKeyed] = useState(true);
  const running = progress !== null && !progress.finished;
  const mine = progress?.topic === topic ? progress : null;
  return (
    <form
      className="produce bulk"
      data-testid="produce-form"
      aria-label="Produce many records"
      onSubmit={(e) => {
        e.preventDefault();
        void produceRecords(topic, Number(count), keyed);
      }}
    >
      <h3>Many at once</h3>
      <label>
        <span className="label">Records</span>
        <input data-testid="produce-count" type="number" min={1} max={1_000_000} value={count} onChange={(e) => setCount(e.target.value)} disabled={!ready || running} className="num" />
      </label>
      <label className="checkbox" title="Keys key-0 … key-7: Kafka's partitioner sends each key to one partition. Without keys, the sticky partitioner fills one batch at a time.">
        <input type="checkbox" data-testid="produce-keyed" checked={keyed} onChange={(e) => setKeyed(e.target.checked)} disabled={!ready || running} />
        with keys key-0 … key-7
      </label>
      <button type="submit" className="primary" data-testid="produce-submit" disabled={!ready || running || topic === ""}>
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
