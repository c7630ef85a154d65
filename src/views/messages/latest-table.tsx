/**
 * The topic as a table: the latest value per key, read from the whole topic in chunks.
 * It is what a compacted topic converges to, and what a KTable over the topic holds.
 */
import { useEffect, useRef, useState } from "react";
import { formatCount, formatTimestamp } from "../../app/format";
import { keyColour } from "../../app/key-colours";
import { brokerClient, describeError, useStore } from "../../state/store";
import { LatestPerKey, type LatestRow } from "./latest-per-key";

const CHUNK = 5000;
const SHOWN = 500;

export function LatestTable() {
  const description = useStore((s) => s.description);
  const select = useStore((s) => s.select);
  const [rows, setRows] = useState<LatestRow[]>([]);
  const [progress, setProgress] = useState({ records: 0, deleted: 0, done: false });
  const [filter, setFilter] = useState("");
  const [error, setError] = useState<string | null>(null);
  const run = useRef(0);
  const topic = description?.name;

  async function scan() {
    const c = brokerClient();
    if (!c || !description) return;
    const my = ++run.current;
    const table = new LatestPerKey();
    setError(null);
    setProgress({ records: 0, deleted: 0, done: false });
    try {
      for (const p of description.partitions) {
        let offset = 0;
        for (;;) {
          const range = await c.api.readRange(description.name, p.partition, offset, CHUNK);
          if (my !== run.current) return;
          for (const r of range.records) table.add(r);
          setProgress({ records: table.records, deleted: table.deletedKeys, done: false });
          if (range.records.length === 0 || range.nextOffset >= range.highWatermark) break;
          offset = range.nextOffset;
        }
      }
      setRows(table.sorted());
      setProgress({ records: table.records, deleted: table.deletedKeys, done: true });
    } catch (e) {
      setError(describeError(e));
    }
  }

  useEffect(() => {
    setRows([]);
    void scan();
    // Rescans only when the topic changes; the button rescans on demand.
  }, [topic]);

  if (!description) return null;
  const shown = rows.filter((r) => !filter || r.key.toLowerCase().includes(filter.toLowerCase()));
  return (
    <section className="table-view" data-testid="table-view" aria-label={`Latest value per key of ${description.name}`}>
      <div className="table-toolbar">
        <button type="button" data-testid="table-rescan" onClick={() => void scan()}>
          Read again
        </button>
        <input aria-label="Filter keys" placeholder="Filter keys" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="quiet" data-testid="table-status" aria-live="polite">
          {progress.done
            ? `${formatCount(rows.length)} keys from ${formatCount(progress.records)} records${progress.deleted ? ` · ${progress.deleted} deleted by tombstones` : ""}`
            : `reading… ${formatCount(progress.records)} records`}
        </span>
      </div>
      <p className="explain">The latest value of every key, as a consumer building a table sees it — and what compaction keeps at least.</p>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="message-table-wrap">
        <table className="message-table" data-testid="latest-table">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Latest value</th>
              <th scope="col">P</th>
              <th scope="col">Offset</th>
              <th scope="col" title="Records of this key in the log: all but the latest are what compaction removes">
                Versions
              </th>
              <th scope="col">Timestamp</th>
            </tr>
          </thead>
          <tbody>
            {shown.slice(0, SHOWN).map((r) => (
              <tr key={r.key} data-testid={`latest-${r.key}`} onClick={() => select({ topic: description.name, partition: r.partition, offset: r.offset })} className="clickable">
                <td>
                  <span className="key-chip" style={{ background: keyColour(r.key) }} aria-hidden="true" />
                  <code>{r.key}</code>
                </td>
                <td className="value-cell">
                  <code>{r.value}</code>
                </td>
                <td className="num">{r.partition}</td>
                <td className="num">{r.offset}</td>
                <td className="num">{r.versions}</td>
                <td className="num">{formatTimestamp(r.timestamp)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {shown.length > SHOWN && <p className="quiet">First {SHOWN} of {shown.length} keys; filter to narrow.</p>}
      </div>
    </section>
  );
}
