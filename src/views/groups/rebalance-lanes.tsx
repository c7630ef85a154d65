import { useLayoutEffect, useRef, useState } from "react";
import { formatClock, formatDuration } from "../../app/format";
import { groupColour } from "../../app/key-colours";
import { useStore } from "../../state/store";
import { useEngineNow } from "../../state/use-engine-now";
import { PHASE_HINT, WORDS } from "./glossary";
import { assignmentChanges, type GenerationMark, type GroupTimeline } from "./rebalance-timeline";

const LABEL_WIDTH = 110;
const LANE_HEIGHT = 22;
const LANE_GAP = 6;
const TOP = 22;

/** Engine time shown: a minute at 1×, more when the clock runs faster, so lanes stay readable. */
function spanFor(speed: number): number {
  return 60_000 * Math.max(1, Math.min(100, speed));
}

function MarkDetails({ mark }: { mark: GenerationMark }) {
  const changes = assignmentChanges(mark);
  return (
    <div className="mark-details" data-testid={`mark-details-${mark.generation}`}>
      <strong>
        Generation {mark.generation}
      </strong>{" "}
      <span className="quiet num">
        at {formatClock(mark.at)} · rebalance took {formatDuration(mark.at - mark.startedAt)} · {mark.protocol ?? "no protocol"} · leader {mark.leader ?? "—"}
      </span>
      {mark.reason && <div className="quiet">Why: {mark.reason.replace(/-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "")}</div>}
      <table className="mark-table num">
        <thead>
          <tr>
            <th scope="col">member</th>
            <th scope="col">before</th>
            <th scope="col">after</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.member}>
              <th scope="row">{c.member}</th>
              <td>{(mark.before[c.member] ?? []).join(", ") || "—"}</td>
              <td>
                {c.kept.join(", ")}
                {c.gained.length > 0 && <span className="gained"> {c.kept.length > 0 ? "+ " : ""}{c.gained.join(", ")}</span>}
                {c.lost.length > 0 && <span className="lost"> − {c.lost.join(", ")}</span>}
                {c.kept.length + c.gained.length === 0 && c.lost.length === 0 && "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A swimlane per member over engine time, coloured by protocol phase, with each generation marked. */
export function RebalanceLanes({ timeline, groupId }: { timeline: GroupTimeline | undefined; groupId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(700);
  const now = useEngineNow();
  const speed = useStore((s) => s.clock?.speed ?? 1);
  const [focused, setFocused] = useState<number | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const lanes = timeline?.lanes ?? [];
  const marks = timeline?.marks ?? [];
  const span = spanFor(speed);
  const from = now - span;
  const plotWidth = Math.max(100, width - LABEL_WIDTH - 8);
  const x = (t: number) => LABEL_WIDTH + Math.max(0, Math.min(1, (t - from) / span)) * plotWidth;
  const height = TOP + Math.max(1, lanes.length) * (LANE_HEIGHT + LANE_GAP) + 4;
  const colour = groupColour(groupId);
  const shownMark = marks.find((m) => m.generation === focused) ?? marks[marks.length - 1];

  return (
    <section className="lanes" aria-label="Rebalance timeline" data-testid="rebalance-lanes">
      <div className="panel-title">
        <h3>Rebalances</h3>
        <span className="quiet">
          last {formatDuration(span)} of engine time · <span className="phase-key joining" title={PHASE_HINT.joining}>joining</span>{" "}
          <span className="phase-key syncing" title={PHASE_HINT.syncing}>syncing</span> <span className="phase-key stable" title={PHASE_HINT.stable} style={{ borderColor: colour }}>stable</span>
        </span>
      </div>
      <div ref={ref} className="lanes-plot">
        {lanes.length === 0 ? (
          <p className="quiet lanes-empty">No rebalance seen since this page opened. Add, stop or crash a consumer to start one.</p>
        ) : (
          <svg width={width} height={height} role="group" aria-label={`Rebalance timeline of ${groupId}: ${marks.length} generations`}>
            <defs>
              <pattern id="joining-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                <rect width="6" height="6" className="hatch-bg" />
                <line x1="0" y1="0" x2="0" y2="6" className="hatch-line" />
              </pattern>
            </defs>
            {lanes.map((lane, i) => {
              const y = TOP + i * (LANE_HEIGHT + LANE_GAP);
              return (
                <g key={lane.memberId} data-testid={`lane-${lane.name}`} data-ended={lane.endReason ?? ""}>
                  <text x={4} y={y + LANE_HEIGHT / 2 + 5} className={lane.endedAt === null ? "lane-label" : "lane-label gone"}>
                    {lane.name}
                  </text>
                  <rect x={LABEL_WIDTH} y={y} width={plotWidth} height={LANE_HEIGHT} className="lane-track" />
                  {lane.segments.map((s, j) => {
                    const end = s.to ?? now;
                    if (end < from) return null;
                    const x1 = x(s.from);
                    const x2 = Math.max(x1 + 2, x(end));
                    return (
                      <rect key={j} x={x1} y={y + 2} width={x2 - x1} height={LANE_HEIGHT - 4} className={`phase ${s.phase}`} style={s.phase === "stable" ? { fill: colour } : undefined}>
                        <title>{`${lane.name}: ${PHASE_HINT[s.phase]} (${formatClock(s.from)}${s.to === null ? " – now" : ` – ${formatClock(s.to)}`})`}</title>
                      </rect>
                    );
                  })}
                  {lane.endedAt !== null && lane.endedAt >= from && (
                    <text x={Math.min(x(lane.endedAt) + 4, width - 150)} y={y + LANE_HEIGHT / 2 + 5} className="lane-end">
                      {lane.endReason}
                    </text>
                  )}
                </g>
              );
            })}
            {marks
              .filter((m) => m.at >= from)
              .map((m) => (
                <g
                  key={m.generation}
                  className={focused === m.generation ? "gen-mark focused" : "gen-mark"}
                  tabIndex={0}
                  role="button"
                  aria-label={`gen ${m.generation}: show the assignment before and after generation ${m.generation}`}
                  data-testid={`gen-mark-${m.generation}`}
                  onMouseEnter={() => setFocused(m.generation)}
                  onFocus={() => setFocused(m.generation)}
                  onClick={() => setFocused(m.generation)}
                >
                  <rect className="gen-hit" x={x(m.at) - 7} y={0} width={14} height={height} />
                  <line x1={x(m.at)} x2={x(m.at)} y1={14} y2={height} />
                  <text x={x(m.at)} y={12} textAnchor="middle">
                    gen {m.generation}
                  </text>
                </g>
              ))}
          </svg>
        )}
      </div>
      {shownMark && <MarkDetails mark={shownMark} />}
      <p className="visually-hidden">{WORDS.generation}</p>
    </section>
  );
}
