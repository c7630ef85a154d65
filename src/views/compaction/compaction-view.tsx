/**
 * Watching the log cleaner and retention. For a compacted topic: each partition's clean,
 * dirty and uncleanable sections with the dirty ratio against min.cleanable.dirty.ratio,
 * and after a pass two aligned tapes, before and after, where removed records carry the
 * reason ("superseded by offset 3", "tombstone past delete.retention.ms"). For retention:
 * the segments with their age against retention.ms, and the log start offset moving when
 * whole segments are deleted. The K1…K6 example is one click, cleaning it another.
 */
import { useCallback, useEffect, useState } from "react";
import type { BrokerEvent, PartitionCleanableRange, RemovedRecord, TopicDescription } from "../../engine-client/broker-client";
import { formatBytes, formatClock, formatDuration } from "../../app/format";
import { keyColour, textOn } from "../../app/key-colours";
import { onEngineFrame } from "../../state/engine-events";
import { useEngineNow } from "../../state/use-engine-now";
import { brokerClient, useStore } from "../../state/store";
import { loadClassicExample, loadRetentionExample } from "./examples";
import { removalMap, type BeforeRecord } from "./removal-reasons";

/** Records shown per partition in the before/after tapes. */
const TAPE_LIMIT = 64;

interface PassView {
  partition: number;
  before: BeforeRecord[];
  after: BeforeRecord[];
  removed: RemovedRecord[];
  segmentsBefore: number[];
  segmentsAfter: number[];
  dirtyRatioBefore: number;
}

interface LogLine {
  at: number;
  text: string;
}

async function readHead(topic: string, partition: number): Promise<BeforeRecord[]> {
  const c = brokerClient();
  if (!c) return [];
  const range = await c.api.readRange(topic, partition, 0, TAPE_LIMIT);
  return range.records.filter((r) => r.control === null).map((r) => ({ offset: r.offset, key: r.key, value: r.value }));
}

function Cell({ r, removed, reason, prefix }: { r: BeforeRecord; removed?: boolean; reason?: string; prefix: string }) {
  const colour = keyColour(r.key);
  const tombstone = r.value === null;
  // A removed record keeps its key colour as an outline only: still recognisable, clearly gone.
  const style = tombstone || removed ? { borderColor: colour } : { background: colour, color: textOn(colour) };
  return (
    <li
      className={`ctape-cell${removed ? " removed" : ""}${tombstone ? " tombstone" : ""}`}
      data-testid={`${prefix}-cell-${r.offset}`}
      style={style}
      title={`offset ${r.offset} · key ${r.key ?? "null"} · ${tombstone ? "tombstone" : `value ${r.value}`}${reason ? ` · removed: ${reason}` : ""}`}
    >
      <span className="ctape-key">{tombstone ? "✕" : (r.key ?? "∅")}</span>
      <span className="ctape-offset num">{r.offset}</span>
      {reason && <span className="visually-hidden">removed: {reason}</span>}
    </li>
  );
}

function CleanableBar({ range, d }: { range: PartitionCleanableRange; d: TopicDescription }) {
  const p = d.partitions[range.partition];
  const total = Math.max(1, range.totalBytes);
  const uncleanable = Math.max(0, range.totalBytes - range.cleanBytes - range.cleanableBytes);
  const over = range.dirtyRatio > range.minCleanableDirtyRatio;
  return (
    <div className="cleanable" data-testid={`cleanable-${range.partition}`}>
      <div className="cleanable-title">
        Partition <span className="num">{range.partition}</span>
        <span className={over ? "ratio over" : "ratio"} data-testid={`dirty-ratio-${range.partition}`} title="Dirty ratio: bytes not yet cleaned over all cleanable bytes (whole segments)">
          dirty ratio <span className="num">{range.dirtyRatio.toFixed(2)}</span> {over ? ">" : "≤"} min.cleanable.dirty.ratio <span className="num">{range.minCleanableDirtyRatio}</span>
        </span>
        <span className="quiet">{over ? "— the cleaner will pick this log" : "— the cleaner waits"}</span>
      </div>
      <div className="cleanable-bar" role="img" aria-label={`clean ${formatBytes(range.cleanBytes)}, dirty ${formatBytes(range.cleanableBytes)}, uncleanable ${formatBytes(uncleanable)}`}>
        <span className="section clean" style={{ flexGrow: range.cleanBytes / total }} title="Clean: compacted before, at most one record per key">
          clean <span className="num">{range.logStartOffset}–{range.firstDirtyOffset}</span>
        </span>
        <span className="section dirty" style={{ flexGrow: range.cleanableBytes / total }} title="Dirty: written since the last pass, may hold several values per key">
          dirty <span className="num">{range.firstDirtyOffset}–{range.firstUncleanableOffset}</span>
        </span>
        <span className="section uncleanable" style={{ flexGrow: Math.max(0.15, uncleanable / total) }} title="Uncleanable: the active segment (and anything above the last stable offset or younger than min.compaction.lag.ms)">
          uncleanable <span className="num">{range.firstUncleanableOffset}–{p?.logEndOffset ?? range.logEndOffset}</span>
        </span>
      </div>
    </div>
  );
}

function RetentionPanel({ d }: { d: TopicDescription }) {
  const now = useEngineNow();
  const runRetention = useStore((s) => s.runRetention);
  const retentionMs = Number(d.config.find((c) => c.name === "retention.ms")?.value ?? -1);
  const deletes = (d.config.find((c) => c.name === "cleanup.policy")?.value ?? "").includes("delete");
  return (
    <section className="retention-panel" aria-label="Retention">
      <header className="panel-header">
        <h3>Retention</h3>
        <span className="quiet">
          retention.ms = <span className="num">{retentionMs < 0 ? "-1 (forever)" : `${retentionMs} (${formatDuration(retentionMs)})`}</span>
          {!deletes && " · cleanup.policy has no delete: retention does not apply"}
        </span>
        <button type="button" data-testid="run-retention" disabled={!deletes} onClick={() => void runRetention(d.name)} title="Run the retention check now, as log.retention.check.interval.ms does every 5 minutes">
          Run retention now
        </button>
      </header>
      {d.partitions.map((p) => (
        <div key={p.partition} className="retention-row" data-testid={`retention-${p.partition}`}>
          <span className="quiet">
            P<span className="num">{p.partition}</span> log start offset{" "}
            <strong className="num" data-testid={`retention-log-start-${p.partition}`}>
              {p.logStartOffset}
            </strong>
          </span>
          <ol className="segment-strip">
            {p.segments.map((s) => {
              const age = now - s.largestTimestamp;
              // The active segment expires too: Kafka rolls a new empty one first, so a
              // partition always keeps an active segment (at the log end offset).
              const expired = deletes && retentionMs >= 0 && s.sizeInBytes > 0 && age > retentionMs;
              return (
                <li key={s.baseOffset} className={`segment-box${s.isActive ? " active" : ""}${expired ? " expired" : ""}`} title={`${s.fileName} · ${formatBytes(s.sizeInBytes)}`}>
                  <span className="num">base {s.baseOffset}</span>
                  <span className="quiet num">
                    {s.sizeInBytes === 0
                      ? "empty active segment"
                      : retentionMs < 0 || !deletes
                        ? `newest record ${formatDuration(Math.max(0, age))} old`
                        : expired
                          ? s.isActive
                            ? "expired: the next check rolls it and deletes it"
                            : "expired: the next check deletes it"
                          : `expires in ${formatDuration(Math.max(0, retentionMs - age))}`}
                  </span>
                </li>
              );
            })}
          </ol>
        </div>
      ))}
    </section>
  );
}

export function CompactionView() {
  const description = useStore((s) => s.description);
  const selectTopic = useStore((s) => s.selectTopic);
  const cleanNow = useStore((s) => s.cleanNow);
  const reportError = useStore((s) => s.reportError);
  const ready = useStore((s) => s.connection === "ready");
  const [ranges, setRanges] = useState<PartitionCleanableRange[]>([]);
  const [passes, setPasses] = useState<PassView[]>([]);
  const [log, setLog] = useState<LogLine[]>([]);
  const [busy, setBusy] = useState(false);
  const topic = description?.name ?? null;
  const compacted = (description?.config.find((c) => c.name === "cleanup.policy")?.value ?? "").includes("compact");

  const loadRanges = useCallback(async () => {
    const c = brokerClient();
    if (!c || !topic || !compacted) {
      setRanges([]);
      return;
    }
    try {
      setRanges(await c.api.cleanableRanges(topic));
    } catch {
      setRanges([]);
    }
  }, [topic, compacted]);

  useEffect(() => {
    setPasses([]);
    setLog([]);
  }, [topic]);

  useEffect(() => {
    void loadRanges();
  }, [loadRanges, description]);

  // The cleaner and retention also run on their own as engine time passes: list their passes.
  useEffect(() => {
    return onEngineFrame(({ events, clock }) => {
      const lines: LogLine[] = [];
      for (const e of events as BrokerEvent[]) {
        if (!("topic" in e) || e.topic !== topic) continue;
        const at = clock?.now ?? 0;
        if (e.type === "cleaned") {
          const r = e.result;
          lines.push({
            at,
            text: `cleaner${r.forced ? " (forced)" : ""}: partition ${e.partition} removed ${r.removedCount} records, dirty ratio was ${r.dirtyRatioBefore.toFixed(2)}; segments [${r.segmentsBefore.join(", ")}] → [${r.segmentsAfter.join(", ")}]`,
          });
        } else if (e.type === "retention") {
          lines.push({ at, text: `retention: partition ${e.partition} deleted segment${e.deletedSegments.length > 1 ? "s" : ""} ${e.deletedSegments.join(", ")}; log start offset → ${e.logStartOffset}` });
        }
      }
      if (lines.length > 0) setLog((old) => [...lines.reverse(), ...old].slice(0, 30));
    });
  }, [topic]);

  async function clean() {
    if (!topic || !description) return;
    setBusy(true);
    const before = await Promise.all(description.partitions.map((p) => readHead(topic, p.partition)));
    const report = await cleanNow(topic);
    if (report) {
      const after = await Promise.all(description.partitions.map((p) => readHead(topic, p.partition)));
      setPasses(
        report.cleaned.map(({ partition, result }) => ({
          partition,
          before: before[partition] ?? [],
          after: after[partition] ?? [],
          removed: result.removed,
          segmentsBefore: result.segmentsBefore,
          segmentsAfter: result.segmentsAfter,
          dirtyRatioBefore: result.dirtyRatioBefore,
        })),
      );
    }
    await loadRanges();
    setBusy(false);
  }

  async function load(example: "classic" | "retention") {
    const c = brokerClient();
    if (!c) return;
    setBusy(true);
    try {
      const name = example === "classic" ? await loadClassicExample(c) : await loadRetentionExample(c);
      selectTopic(name);
    } catch (e) {
      reportError(e instanceof Error ? e.message : String(e));
    }
    setBusy(false);
  }

  return (
    <section className="compaction-view" data-testid="compaction-view" aria-label="Compaction and retention">
      <div className="compaction-actions">
        <button type="button" className="primary" data-testid="load-classic" disabled={!ready || busy} onClick={() => void load("classic")} title="A compacted topic with Kafka's documentation example: K1…K5 in a closed segment, K6 in the active one">
          Load the K1…K6 example
        </button>
        <button type="button" data-testid="clean-now" disabled={!ready || busy || !topic || !compacted} onClick={() => void clean()} title="Run the log cleaner on every partition now, whatever the dirty ratio">
          Clean now
        </button>
        <button type="button" data-testid="load-retention" disabled={!ready || busy} onClick={() => void load("retention")} title="A topic with three segments and retention.ms = 5 s">
          Load a retention example
        </button>
        {topic && <span className="quiet">on {topic}</span>}
      </div>
      {!description && <p className="empty-state-inline">Load an example, or pick a topic whose cleanup.policy includes compact or delete.</p>}
      {description && compacted && (
        <section className="cleaner-panel" aria-label="Log cleaner">
          <header className="panel-header">
            <h3>Log cleaner</h3>
            <span className="quiet">Keeps at least the latest value of every key; offsets never change, the log just gets gaps.</span>
          </header>
          {ranges.map((r) => (
            <CleanableBar key={r.partition} range={r} d={description} />
          ))}
          {passes.map((pass) => {
            const reasons = removalMap(pass.removed, pass.before);
            return (
              <div key={pass.partition} className="pass" data-testid={`pass-${pass.partition}`}>
                <h4>
                  Partition <span className="num">{pass.partition}</span>: {pass.removed.length} removed, segments [{pass.segmentsBefore.join(", ")}] → [{pass.segmentsAfter.join(", ")}]
                </h4>
                <div className="ctape-row">
                  <span className="ctape-label">before</span>
                  <ol className="ctape" data-testid={`before-tape-${pass.partition}`}>
                    {pass.before.map((r) => (
                      <Cell key={r.offset} r={r} prefix="before" removed={reasons.has(r.offset)} reason={reasons.get(r.offset)} />
                    ))}
                  </ol>
                </div>
                <ul className="removal-list" aria-label="Why each record was removed">
                  {pass.before
                    .filter((r) => reasons.has(r.offset))
                    .map((r) => (
                      <li key={r.offset}>
                        <span className="key-chip" style={{ background: keyColour(r.key) }} aria-hidden="true" />
                        offset <span className="num">{r.offset}</span> ({r.key ?? "no key"}): {reasons.get(r.offset)}
                      </li>
                    ))}
                </ul>
                <div className="ctape-row">
                  <span className="ctape-label">after</span>
                  <ol className="ctape after" data-testid={`after-tape-${pass.partition}`}>
                    {pass.before.map((r) => {
                      const kept = pass.after.find((a) => a.offset === r.offset);
                      return kept ? <Cell key={r.offset} r={kept} prefix="after" /> : <li key={r.offset} className="ctape-gap" aria-hidden="true" />;
                    })}
                    {pass.after
                      .filter((a) => !pass.before.some((b) => b.offset === a.offset))
                      .map((a) => (
                        <Cell key={a.offset} r={a} prefix="after" />
                      ))}
                  </ol>
                </div>
              </div>
            );
          })}
        </section>
      )}
      {description && <RetentionPanel d={description} />}
      {log.length > 0 && (
        <section className="event-log" aria-label="Cleaner and retention passes">
          <h3>Passes</h3>
          <ul data-testid="compaction-log">
            {log.map((l, i) => (
              <li key={i}>
                <span className="num quiet">{formatClock(l.at)}</span> {l.text}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
