/**
 * A topic's records, searched: by key, value text, header, timestamp range and a
 * JavaScript expression (evaluated in a worker). The browser reads the topic in chunks,
 * partition by partition, and stops once a page of matches is found; "More" goes on.
 */
import { useRef, useState, type FormEvent } from "react";
import type { RecordView } from "../../engine-client/broker-client";
import { formatClock, formatTimestamp } from "../../app/format";
import { keyColour } from "../../app/key-colours";
import { brokerClient, describeError, useStore } from "../../state/store";
import { filterRecords } from "./filter-client";
import { compileFilter, hasExpression, type FilterSpec } from "./record-filter";

const PAGE = 100;
const CHUNK = 2000;

interface Cursor {
  partition: number;
  offset: number;
}

function toMs(local: string): number | undefined {
  if (!local) return undefined;
  const t = new Date(local).getTime();
  return Number.isFinite(t) ? t : undefined;
}

export function MessageBrowser() {
  const description = useStore((s) => s.description);
  const select = useStore((s) => s.select);
  const reproduce = useStore((s) => s.reproduce);
  const selection = useStore((s) => s.selection);
  const [spec, setSpec] = useState({ key: "", value: "", header: "", from: "", to: "", expression: "", partition: "all" });
  const [rows, setRows] = useState<RecordView[]>([]);
  const [scanned, setScanned] = useState(0);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const cursor = useRef<Cursor | null>(null);
  const runId = useRef(0);
  if (!description) return null;
  const topic = description.name;

  async function scan(fresh: boolean) {
    const c = brokerClient();
    if (!c || !description) return;
    const my = ++runId.current;
    const filter: FilterSpec = {
      key: spec.key,
      value: spec.value,
      header: spec.header,
      fromTimestamp: toMs(spec.from),
      toTimestamp: toMs(spec.to),
      expression: spec.expression,
    };
    let local: ((r: RecordView) => boolean) | null = null;
    try {
      // Structured filters run here; an expression goes to the worker.
      if (!hasExpression(filter)) local = compileFilter(filter);
    } catch (e) {
      setError(describeError(e));
      return;
    }
    setBusy(true);
    setError(null);
    const partitions = spec.partition === "all" ? description.partitions.map((p) => p.partition) : [Number(spec.partition)];
    let found: RecordView[] = fresh ? [] : rows;
    let count = fresh ? 0 : scanned;
    let at: Cursor | null = fresh ? { partition: partitions[0]!, offset: 0 } : cursor.current;
    const limit = found.length + PAGE;
    try {
      while (at && found.length < limit) {
        const range = await c.api.readRange(topic, at.partition, at.offset, CHUNK);
        if (my !== runId.current) return;
        const data = range.records.filter((r) => r.control === null);
        count += data.length;
        const matches = local ? data.filter(local) : (await filterRecords(filter, data)).map((i) => data[i]!);
        found = found.concat(matches);
        if (range.records.length === 0 || range.nextOffset >= range.highWatermark) {
          const i = partitions.indexOf(at.partition);
          at = i + 1 < partitions.length ? { partition: partitions[i + 1]!, offset: 0 } : null;
        } else at = { partition: at.partition, offset: range.nextOffset };
        setScanned(count);
      }
      cursor.current = at;
      setRows(found);
      setStatus(at ? `${found.length} matches in the first ${count} records` : `${found.length} matches in all ${count} records`);
    } catch (e) {
      setError(describeError(e));
    } finally {
      if (my === runId.current) setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void scan(true);
  }

  const field = (name: keyof typeof spec) => ({
    value: spec[name],
    onChange: (e: { target: { value: string } }) => setSpec({ ...spec, [name]: e.target.value }),
  });

  return (
    <section className="messages-view" data-testid="messages-view" aria-label={`Messages of ${topic}`}>
      <form className="filters" onSubmit={submit} aria-label="Filter messages">
        <label>
          <span className="label">Key contains</span>
          <input data-testid="filter-key" {...field("key")} />
        </label>
        <label>
          <span className="label">Value contains</span>
          <input data-testid="filter-value" {...field("value")} />
        </label>
        <label>
          <span className="label">Header (name or name=value)</span>
          <input data-testid="filter-header" {...field("header")} />
        </label>
        <label>
          <span className="label">Partition</span>
          <select data-testid="filter-partition" {...field("partition")}>
            <option value="all">all</option>
            {description.partitions.map((p) => (
              <option key={p.partition} value={p.partition}>
                {p.partition}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span className="label">From time</span>
          <input type="datetime-local" step="1" data-testid="filter-from" {...field("from")} />
        </label>
        <label>
          <span className="label">To time</span>
          <input type="datetime-local" step="1" data-testid="filter-to" {...field("to")} />
        </label>
        <label className="span-3">
          <span className="label">JavaScript filter (key, value, json, headers, timestamp, partition, offset)</span>
          <input className="num" data-testid="filter-expression" placeholder="json && json.amount > 100" {...field("expression")} />
        </label>
        <div className="filter-actions">
          <button type="submit" className="primary" data-testid="filter-run" disabled={busy}>
            Search
          </button>
          <span className="quiet" data-testid="filter-status" aria-live="polite">
            {busy ? `reading… ${scanned} records` : status}
          </span>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert" data-testid="filter-error">
          {error}
        </p>
      )}
      <div className="message-table-wrap">
        <table className="message-table" data-testid="message-table">
          <thead>
            <tr>
              <th scope="col">P</th>
              <th scope="col">Offset</th>
              <th scope="col">Time</th>
              <th scope="col">Key</th>
              <th scope="col">Value</th>
              <th scope="col">Headers</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const isSelected = selection?.topic === topic && selection.partition === r.partition && selection.offset === r.offset;
              return (
                <tr key={`${r.partition}-${r.offset}`} data-testid={`message-${r.partition}-${r.offset}`} className={isSelected ? "selected" : ""}>
                  <td className="num">{r.partition}</td>
                  <td className="num">{r.offset}</td>
                  <td className="num" title={`${formatTimestamp(r.timestamp)} (${r.timestamp})`}>
                    {formatClock(r.timestamp)}
                  </td>
                  <td>
                    <span className="key-chip" style={{ background: keyColour(r.key) }} aria-hidden="true" />
                    <code>{r.key ?? "null"}</code>
                  </td>
                  <td className="value-cell">
                    <code>{r.value ?? "null (tombstone)"}</code>
                  </td>
                  <td className="num">{r.headers.map((h) => `${h.key}=${h.value ?? "null"}`).join(", ")}</td>
                  <td>
                    <div className="row-actions">
                    <button type="button" className="small" onClick={() => select({ topic, partition: r.partition, offset: r.offset })}>
                      Inspect
                    </button>
                    <button
                      type="button"
                      className="small"
                      data-testid={`reproduce-${r.partition}-${r.offset}`}
                      onClick={() => reproduce(topic, { key: r.key, value: r.value, headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value])) })}
                    >
                      Re-produce
                    </button>
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {rows.length === 0 && !busy && <p className="quiet empty-table">{status ? "No record matches." : "Set filters (or none) and search: the topic is read in chunks, only as far as needed."}</p>}
        {cursor.current && rows.length > 0 && !busy && (
          <button type="button" data-testid="filter-more" onClick={() => void scan(false)}>
            More
          </button>
        )}
      </div>
    </section>
  );
}
