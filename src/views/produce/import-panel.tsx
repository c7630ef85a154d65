import { useState } from "react";
import { useStore } from "../../state/store";
import { parseFile, recordShaped, toRecords, type ParsedFile } from "./import-parse";
import { TopicPicker } from "./topic-picker";

/** Records produced per call while importing. */
const CHUNK = 2000;

/** Import a CSV or JSON Lines file into a topic, in chunks, with progress. */
export function ImportPanel() {
  const selected = useStore((s) => s.selected);
  const produceJson = useStore((s) => s.produceJson);
  const [topic, setTopic] = useState(selected ?? "");
  const [file, setFile] = useState<{ name: string; parsed: ParsedFile } | null>(null);
  const [keyField, setKeyField] = useState<string>("");
  const [status, setStatus] = useState<string | null>(null);
  const target = topic || selected || "";

  async function run() {
    if (!file) return;
    const records = toRecords(file.parsed, keyField || null);
    for (let i = 0; i < records.length; i += CHUNK) {
      const ok = await produceJson(target, records.slice(i, i + CHUNK));
      if (!ok) {
        setStatus(`Stopped after ${i} records.`);
        return;
      }
      setStatus(`${Math.min(records.length, i + CHUNK)} / ${records.length}`);
    }
    setStatus(`Imported ${records.length} records into ${target}.`);
  }

  return (
    <form
      className="import form-grid"
      data-testid="import-form"
      aria-label="Import a file"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <label className="span-2">
        <span className="label">CSV (with a header row) or JSON Lines file</span>
        <input
          type="file"
          accept=".csv,.jsonl,.ndjson,.json,text/csv,application/json"
          data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (!f) return;
            void f.text().then((text) => {
              const parsed = parseFile(f.name, text);
              setFile({ name: f.name, parsed });
              setKeyField("");
              setStatus(`${parsed.rows.length} rows (${parsed.format})${parsed.errors.length ? `; ${parsed.errors.slice(0, 3).join("; ")}` : ""}`);
            });
          }}
        />
      </label>
      <TopicPicker value={target} onChange={setTopic} testId="import-topic" />
      {file && !recordShaped(file.parsed) && (
        <label>
          <span className="label">Key from</span>
          <select data-testid="import-key-field" value={keyField} onChange={(e) => setKeyField(e.target.value)}>
            <option value="">no key</option>
            {file.parsed.fields.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
      )}
      {file && recordShaped(file.parsed) && <p className="explain">Rows carry key, value, partition, timestamp and headers: produced as they are.</p>}
      <div className="form-actions span-2">
        <button type="submit" className="primary" data-testid="import-run" disabled={!file || target === ""}>
          Import
        </button>
        <span data-testid="import-status" aria-live="polite">
          {status}
        </span>
      </div>
    </form>
  );
}
