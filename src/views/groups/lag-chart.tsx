import { useLayoutEffect, useRef, useState } from "react";
import { line, scaleLinear } from "d3";
import { formatCount } from "../../app/format";
import { groupColour } from "../../app/key-colours";
import type { LagSample } from "../../state/groups-slice";
import { WORDS } from "./glossary";

const HEIGHT = 170;
const MARGIN = { top: 10, right: 96, bottom: 22, left: 48 };

/** Lag per partition over engine time (thin lines) and the group's total (thick). */
export function LagChart({ samples, partitions, groupId }: { samples: LagSample[]; partitions: string[]; groupId: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(500);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const colour = groupColour(groupId);
  const totals = samples.map((s) => partitions.reduce((n, p) => n + (s.lag[p] ?? 0), 0));
  const first = samples[0]?.at ?? 0;
  const last = samples[samples.length - 1]?.at ?? first + 1;
  const max = Math.max(1, ...totals);
  const x = scaleLinear().domain([first, Math.max(first + 1, last)]).range([MARGIN.left, width - MARGIN.right]);
  const y = scaleLinear().domain([0, max]).nice(4).range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const path = (values: number[]) =>
    line<number>()
      .x((_, i) => x(samples[i]!.at))
      .y((v) => y(v))(values) ?? "";
  const total = totals[totals.length - 1] ?? 0;
  const seconds = (last - first) / 1000;
  // End labels, nudged apart so they never overlap.
  const labels = partitions
    .map((p) => ({ p, v: samples[samples.length - 1]?.lag[p] ?? 0 }))
    .sort((a, b) => b.v - a.v)
    .slice(0, 6)
    .map((l) => ({ ...l, y: y(l.v) + 4 }));
  // Below the total's label, each at least a line below the one before.
  let floor = y(total) + 4;
  for (const l of labels) {
    l.y = Math.max(l.y, floor + 14);
    floor = l.y;
  }

  return (
    <section className="lag-chart" aria-label="Lag over time" data-testid="lag-chart" data-total={total}>
      <div className="panel-title">
        <h3 title={WORDS.lag}>Lag</h3>
        <span className="num lag-total" data-testid="lag-total">
          {formatCount(total)} records
        </span>
        <span className="quiet">over the last {seconds.toFixed(0)} s of engine time</span>
      </div>
      <div ref={ref}>
        {samples.length < 2 ? (
          <p className="quiet">The chart fills as engine time moves.</p>
        ) : (
          <svg width={width} height={HEIGHT} role="img" aria-label={`Total lag ${total} records; per partition: ${partitions.map((p) => `${p} ${samples[samples.length - 1]?.lag[p] ?? 0}`).join(", ")}`}>
            {y.ticks(4).map((t) => (
              <g key={t} className="axis">
                <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(t)} y2={y(t)} />
                <text x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
                  {formatCount(t)}
                </text>
              </g>
            ))}
            <text className="axis" x={MARGIN.left} y={HEIGHT - 4}>
              −{seconds.toFixed(0)} s
            </text>
            <text className="axis" x={width - MARGIN.right} y={HEIGHT - 4} textAnchor="end">
              now
            </text>
            {partitions.map((p) => (
              <path key={p} className="lag-line" d={path(samples.map((s) => s.lag[p] ?? 0))} />
            ))}
            <path className="lag-line total" d={path(totals)} stroke={colour} />
            <text className="lag-label total" x={width - MARGIN.right + 6} y={y(total) + 4} fill={colour}>
              total {formatCount(total)}
            </text>
            {partitions.length > 1 &&
              labels.map((l) => (
                <text key={l.p} className="lag-label" x={width - MARGIN.right + 6} y={l.y}>
                  P{l.p.slice(l.p.lastIndexOf("-") + 1)} {formatCount(l.v)}
                </text>
              ))}
          </svg>
        )}
      </div>
    </section>
  );
}
