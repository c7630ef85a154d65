import { useEffect, useRef, useState } from "react";
import { formatClock } from "../../app/format";
import { keyColour } from "../../app/key-colours";
import type { RecentRecord } from "../../engine-client/workbench-types";
import { onEngineFrame } from "../../state/engine-events";
import { startGroupsPoller } from "../../state/groups-poller";
import { brokerClient, useStore } from "../../state/store";
import { KIND_LABEL } from "../groups/ordering-panel";
import "./console.css";

const MAX_LINES = 300;
const READ_PER_PARTITION = 200;

export interface ConsoleLine {
  id: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  member?: string;
  violations?: RecentRecord["violations"];
}

interface PrintOptions {
  key: boolean;
  partition: boolean;
  offset: boolean;
  timestamp: boolean;
}

/** `kafka-console-consumer` with the options given, as people would type it. */
export function consoleCommand(topic: string, fromBeginning: boolean, print: PrintOptions): string {
  const props = (Object.keys(print) as Array<keyof PrintOptions>).filter((k) => print[k]).map((k) => `--property print.${k}=true`);
  return ["kafka-console-consumer --bootstrap-server streamlab:9092", `--topic ${topic}`, fromBeginning ? "--from-beginning" : "", ...props].filter((s) => s !== "").join(" ");
}

/** One line as the console consumer prints it: the chosen fields, tab-separated. */
export function formatLine(line: ConsoleLine, print: PrintOptions): string {
  const parts: string[] = [];
  if (print.timestamp) parts.push(`CreateTime:${line.timestamp}`);
  if (print.partition) parts.push(`Partition:${line.partition}`);
  if (print.offset) parts.push(`Offset:${line.offset}`);
  if (print.key) parts.push(line.key ?? "null");
  parts.push(line.value ?? "null");
  return parts.join("\t");
}

/** Tails one topic: every record appended from now on (or from the beginning), across partitions. */
function useTopicTail(topic: string, fromBeginning: boolean, paused: boolean, onLines: (lines: ConsoleLine[]) => void): void {
  const push = useRef(onLines);
  push.current = onLines;
  useEffect(() => {
    if (!topic || paused) return;
    const next = new Map<number, number>();
    let first = true;
    let reading = false;
    let again = false;
    let stopped = false;
    const read = async () => {
      const client = brokerClient();
      if (!client) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          const d = await client.api.describeTopic(topic);
          const lines: ConsoleLine[] = [];
          for (const p of d.partitions) {
            if (first && !fromBeginning) {
              next.set(p.partition, p.highWatermark);
              continue;
            }
            const from = Math.max(next.get(p.partition) ?? p.logStartOffset, p.logStartOffset, first ? p.highWatermark - MAX_LINES : 0);
            if (from >= p.highWatermark) continue;
            const range = await client.api.readRange(topic, p.partition, from, READ_PER_PARTITION);
            for (const r of range.records) {
              if (r.control !== null) continue;
              lines.push({ id: `${p.partition}-${r.offset}`, partition: p.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value });
            }
            next.set(p.partition, range.nextOffset);
            if (range.nextOffset < p.highWatermark) again = true;
          }
          first = false;
          if (!stopped && lines.length > 0) push.current(lines);
        } while (again && !stopped);
      } catch {
        // The topic went away; the console shows what it had.
      } finally {
        reading = false;
      }
    };
    void read();
    const off = onEngineFrame((frame) => {
      if (frame.events.some((e) => e.type === "records-appended" && e.topic === topic)) void read();
    });
    return () => {
      stopped = true;
      off();
    };
  }, [topic, fromBeginning, paused]);
}

/** What a workbench group's members processed, with the ordering problems each record showed. */
function useGroupTail(groupId: string, paused: boolean, onLines: (lines: ConsoleLine[]) => void): void {
  const push = useRef(onLines);
  push.current = onLines;
  useEffect(() => {
    if (!groupId || paused) return;
    let after = 0;
    let stopped = false;
    const poll = async () => {
      const client = brokerClient();
      if (!client || stopped) return;
      try {
        const records = await client.api.consumedRecords(groupId, after);
        if (records.length > 0) {
          after = records[records.length - 1]!.seq;
          push.current(records.map((r) => ({ id: `s${r.seq}`, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, member: r.memberId, violations: r.violations })));
        }
      } catch {
        // The group went away.
      }
    };
    void poll();
    const id = setInterval(() => void poll(), 400);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, [groupId, paused]);
}

export function ConsolePanel() {
  // Whole lists from the store, filtered here: a selector must not build a new array each time.
  const allTopics = useStore((s) => s.topics);
  const allGroups = useStore((s) => s.groups);
  const topics = allTopics.filter((t) => !t.internal);
  const groups = allGroups.filter((g) => g.assignor !== null);
  useEffect(() => startGroupsPoller(), []);
  const [mode, setMode] = useState<"topic" | "group">("topic");
  const [topic, setTopic] = useState("");
  const [groupId, setGroupId] = useState("");
  const [fromBeginning, setFromBeginning] = useState(false);
  const [paused, setPaused] = useState(false);
  const [print, setPrint] = useState<PrintOptions>({ key: true, partition: true, offset: true, timestamp: false });
  const [lines, setLines] = useState<ConsoleLine[]>([]);
  const chosenTopic = topic || topics[0]?.name || "";
  const chosenGroup = groupId || groups[0]?.groupId || "";
  const add = (more: ConsoleLine[]) => setLines((cur) => [...cur, ...more].slice(-MAX_LINES));
  useTopicTail(mode === "topic" ? chosenTopic : "", fromBeginning, paused, add);
  useGroupTail(mode === "group" ? chosenGroup : "", paused, add);
  useEffect(() => setLines([]), [mode, chosenTopic, chosenGroup, fromBeginning]);
  const out = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = out.current;
    if (el && !paused) el.scrollTop = el.scrollHeight;
  }, [lines, paused]);

  const flagged = lines.filter((l) => (l.violations?.length ?? 0) > 0).length;
  return (
    <div className="console-panel" data-testid="console-panel">
      <div className="console-toolbar">
        <div role="radiogroup" aria-label="Read" className="console-mode">
          <label>
            <input type="radio" name="console-mode" checked={mode === "topic"} onChange={() => setMode("topic")} data-testid="console-mode-topic" /> a topic
          </label>
          <label>
            <input type="radio" name="console-mode" checked={mode === "group"} onChange={() => setMode("group")} data-testid="console-mode-group" /> what a group processed
          </label>
        </div>
        {mode === "topic" ? (
          <>
            <select aria-label="Topic" data-testid="console-topic" value={chosenTopic} onChange={(e) => setTopic(e.target.value)}>
              {topics.map((t) => (
                <option key={t.name}>{t.name}</option>
              ))}
            </select>
            <label className="inline-field">
              <input type="checkbox" checked={fromBeginning} onChange={(e) => setFromBeginning(e.target.checked)} data-testid="console-from-beginning" /> --from-beginning
            </label>
            {(Object.keys(print) as Array<keyof PrintOptions>).map((k) => (
              <label key={k} className="inline-field">
                <input type="checkbox" checked={print[k]} onChange={(e) => setPrint({ ...print, [k]: e.target.checked })} /> print.{k}
              </label>
            ))}
          </>
        ) : (
          <select aria-label="Consumer group" data-testid="console-group" value={chosenGroup} onChange={(e) => setGroupId(e.target.value)}>
            {groups.length === 0 && <option value="">no workbench groups</option>}
            {groups.map((g) => (
              <option key={g.groupId}>{g.groupId}</option>
            ))}
          </select>
        )}
        <span className="spacer" />
        <button type="button" className="small" aria-pressed={paused} data-testid="console-pause" onClick={() => setPaused(!paused)}>
          {paused ? "Resume" : "Pause output"}
        </button>
        <button type="button" className="small" onClick={() => setLines([])}>
          Clear
        </button>
      </div>
      {mode === "topic" ? (
        <code className="console-command">$ {consoleCommand(chosenTopic, fromBeginning, print)}</code>
      ) : (
        <p className="console-command quiet">
          Records as {chosenGroup || "the group"}'s members processed them.{" "}
          {flagged > 0 && (
            <span className="console-flagged" data-testid="console-flagged">
              {flagged} out of order (marked)
            </span>
          )}
        </p>
      )}
      <div className="console-output num" ref={out} data-testid="console-output" role="log" aria-live="off" tabIndex={0}>
        {lines.length === 0 && <p className="quiet">{mode === "topic" ? (fromBeginning ? "Reading…" : "Waiting for new records…") : "Waiting for the group to process records…"}</p>}
        {lines.map((l) => (
          <div key={l.id} className={l.violations && l.violations.length > 0 ? "console-line flagged" : "console-line"} data-testid="console-line">
            <span className="key-chip" style={{ background: keyColour(l.key) }} aria-hidden="true" />
            {l.member !== undefined ? (
              <>
                <span className="quiet">{formatClock(l.timestamp)}</span> <span className="console-member">{l.member}</span>{" "}
                <span className="quiet">
                  p{l.partition}@{l.offset}
                </span>{" "}
                {l.key ?? "null"} {l.value ?? "null"}
                {l.violations?.map((v) => (
                  <span key={v} className={`console-violation ${v}`} title={KIND_LABEL[v].hint}>
                    {KIND_LABEL[v].label}
                  </span>
                ))}
              </>
            ) : (
              formatLine(l, print)
            )}
          </div>
        ))}
      </div>
    </div>
  );
}
