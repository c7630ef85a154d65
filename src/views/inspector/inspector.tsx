/**
 * The inspector: the selected record in full (key, pretty value, headers, timestamp, its
 * batch, producer id and sequence, segment file and byte position, the raw batch bytes),
 * or, with nothing selected, the topic's partitions and segment files as numbers.
 */
import { useEffect, useState } from "react";
import type { RecordLocation, RecordView } from "../../engine-client/broker-client";
import { formatBytes, formatTimestamp, prettyValue } from "../../app/format";
import { keyColour } from "../../app/key-colours";
import { brokerClient, describeError, useStore } from "../../state/store";
import { CopyButton } from "./copy-button";
import { hexDump } from "./hex-dump";
import { PartitionTable } from "./partition-table";

interface Loaded {
  record: RecordView | null;
  location: RecordLocation | null;
  bytes: Uint8Array | null;
  error: string | null;
}

function RecordInspector({ topic, partition, offset }: { topic: string; partition: number; offset: number }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const select = useStore((s) => s.select);
  const reproduce = useStore((s) => s.reproduce);
  useEffect(() => {
    let live = true;
    const c = brokerClient();
    if (!c) return;
    setLoaded(null);
    void (async () => {
      try {
        const range = await c.api.readRange(topic, partition, offset, 1);
        const record = range.records[0]?.offset === offset ? range.records[0] : null;
        const location = record ? await c.api.locateRecord(topic, partition, offset) : null;
        const batch = record ? await c.api.readBatches(topic, partition, record.batch.baseOffset, 512) : null;
        if (live) setLoaded({ record, location, bytes: batch ? batch.bytes.subarray(0, 256) : null, error: null });
      } catch (e) {
        if (live) setLoaded({ record: null, location: null, bytes: null, error: describeError(e) });
      }
    })();
    return () => {
      live = false;
    };
  }, [topic, partition, offset]);

  const r = loaded?.record;
  return (
    <section className="inspector-record" data-testid="inspector-record" aria-label="Selected record">
      <header className="inspector-header">
        <h2>
          Record <span className="num">{partition}</span>:<span className="num" data-testid="inspector-offset">{offset}</span>
        </h2>
        <button type="button" className="link-button" onClick={() => select(null)}>
          Close
        </button>
      </header>
      {!loaded && <p className="quiet">Reading offset {offset}…</p>}
      {loaded && !r && <p className="quiet">{loaded.error ?? `Offset ${offset} is no longer in the log (removed by the cleaner or retention).`}</p>}
      {r && (
        <>
          <dl className="facts">
            <dt>Key</dt>
            <dd className="fact-with-copy">
              <span className="key-chip" style={{ background: keyColour(r.key) }} aria-hidden="true" />
              <code data-testid="inspector-key">{r.key ?? "null"}</code>
              {r.key !== null && <CopyButton text={r.key} label="key" />}
            </dd>
            <dt>Value</dt>
            <dd>
              <pre className="value-block" data-testid="inspector-value">
                {r.control ? `transaction marker: ${r.control}` : prettyValue(r.value)}
              </pre>
              {r.value !== null && <CopyButton text={r.value} label="value" />}
            </dd>
            <dt>Headers</dt>
            <dd data-testid="inspector-headers">
              {r.headers.length === 0 ? (
                <span className="quiet">none</span>
              ) : (
                <ul className="header-list">
                  {r.headers.map((h, i) => (
                    <li key={i}>
                      <code>{h.key}</code> = <code>{h.value ?? "null"}</code>
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt title={r.timestampType === "LogAppendTime" ? "The broker's time when it appended the batch" : "The producer's time when it created the record"}>Timestamp</dt>
            <dd>
              <span className="num" data-testid="inspector-timestamp">
                {formatTimestamp(r.timestamp)}
              </span>{" "}
              <span className="quiet">
                {r.timestamp} · {r.timestampType}
              </span>
            </dd>
            <dt>Partition · offset</dt>
            <dd className="num">
              {r.partition} · {r.offset} <CopyButton text={String(r.offset)} label="offset" />
            </dd>
            <dt title="Records are written in batches (RecordBatch v2); the batch holds the producer id and the first sequence">Batch</dt>
            <dd className="num" data-testid="inspector-batch">
              offsets {r.batch.baseOffset}–{r.batch.lastOffset} · CRC-32C {(r.batch.crc >>> 0).toString(16).padStart(8, "0")}
              {r.batch.transactional ? " · transactional" : ""}
            </dd>
            <dt title="An idempotent producer numbers its records per partition, so the broker can drop duplicates after a retry">Producer</dt>
            <dd className="num" data-testid="inspector-producer">
              {r.batch.producerId < 0 ? "no producer id (not idempotent)" : `id ${r.batch.producerId} · epoch ${r.batch.producerEpoch} · sequence ${r.batch.sequence}`}
            </dd>
            <dt>Segment file</dt>
            <dd className="num" data-testid="inspector-segment">
              {r.segment}
              {loaded?.location && (
                <>
                  {" "}
                  · batch at byte <span data-testid="inspector-position">{loaded.location.position}</span> ({formatBytes(loaded.location.batchSize)})
                </>
              )}
            </dd>
            <dt>Sizes</dt>
            <dd className="num">
              key {r.keySize < 0 ? "null" : `${r.keySize} B`} · value {r.valueSize < 0 ? "null" : `${r.valueSize} B`}
            </dd>
          </dl>
          {loaded?.bytes && (
            <details className="raw-bytes">
              <summary>Raw batch bytes (hex)</summary>
              <pre className="hex" data-testid="inspector-hex">
                {hexDump(loaded.bytes).join("\n")}
              </pre>
            </details>
          )}
          {!r.control && (
            <button
              type="button"
              data-testid="inspector-reproduce"
              onClick={() =>
                reproduce(topic, {
                  key: r.key,
                  value: r.value,
                  headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value])),
                })
              }
            >
              Edit and produce again…
            </button>
          )}
        </>
      )}
    </section>
  );
}

function TopicInspector() {
  const description = useStore((s) => s.description);
  const openDialog = useStore((s) => s.openDialog);
  if (!description) return <p className="quiet inspector-empty">Select a topic, then click a record on the tape to inspect it.</p>;
  const overrides = description.config.filter((c) => !c.isDefault);
  return (
    <section className="inspector-topic" aria-label="Topic details">
      <header className="inspector-header">
        <h2>{description.name}</h2>
        <button type="button" className="link-button" data-testid="open-topic-config" onClick={() => openDialog("topic-config")}>
          Configs…
        </button>
      </header>
      <p className="quiet">Click a record on the tape to inspect it.</p>
      {overrides.length > 0 && (
        <ul className="config-chips" aria-label="Configs set on this topic">
          {overrides.map((c) => (
            <li key={c.name}>
              <code className="config-chip" title={c.doc}>
                {c.name}={c.value}
              </code>
            </li>
          ))}
        </ul>
      )}
      <PartitionTable partitions={description.partitions} />
    </section>
  );
}

export function Inspector() {
  const selection = useStore((s) => s.selection);
  const selected = useStore((s) => s.selected);
  return (
    <aside className="inspector" aria-label="Inspector" data-testid="inspector">
      {selection && selection.topic === selected ? <RecordInspector {...selection} /> : <TopicInspector />}
    </aside>
  );
}
