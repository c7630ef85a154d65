import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { formatCount } from "../../app/format";
import { groupColour } from "../../app/key-colours";
import type { WorkbenchGroup, WorkbenchGroupPartition } from "../../engine-client/workbench-types";
import { useMotion } from "../shared/motion";
import { diagramGeometry } from "./diagram-geometry";
import { WORDS } from "./glossary";
import { MemberCard } from "./member-card";

const PARTITION_ROW = 50;
const MEMBER_ROW = 132;
const PARTITION_WIDTH = 230;
const MEMBER_WIDTH = 300;
/** How long a moved edge stays highlighted (reduced motion shows the change this way). */
const MOVED_HIGHLIGHT_MS = 2500;

function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

function PartitionPill({ p, y, colour }: { p: WorkbenchGroupPartition; y: number; colour: string }) {
  const lagShare = p.highWatermark > 0 ? Math.min(1, p.lag / Math.max(1, p.highWatermark)) : 0;
  return (
    <div
      className={p.owner ? "partition-pill" : "partition-pill unassigned"}
      style={{ top: y - PARTITION_ROW / 2 + 3, width: PARTITION_WIDTH }}
      data-testid={`partition-row-${p.key}`}
      data-owner={p.owner ?? ""}
      data-lag={p.lag}
    >
      <div className="pill-top">
        <span className="pill-name num">{p.key}</span>
        <span className="pill-lag num" title={WORDS.lag}>
          lag {formatCount(p.lag)}
        </span>
      </div>
      <div className="pill-offsets num">
        <span title={WORDS.committed}>committed {p.committed < 0 ? "—" : formatCount(p.committed)}</span>
        <span title={WORDS.highWatermark}>HW {formatCount(p.highWatermark)}</span>
      </div>
      <div className="pill-lag-bar" aria-hidden="true">
        <div style={{ width: `${Math.round(lagShare * 100)}%`, background: colour }} />
      </div>
    </div>
  );
}

/** Partitions on the left, members on the right, an arrow from each partition to its owner. */
export function AssignmentDiagram({ group }: { group: WorkbenchGroup }) {
  const [ref, width] = useWidth();
  const motion = useMotion();
  const colour = groupColour(group.groupId);
  const partitions = group.partitions.map((p) => p.key);
  const members = group.members.map((m) => m.memberId);
  const owner: Record<string, string | null> = {};
  for (const p of group.partitions) owner[p.key] = p.owner;
  const memberLeft = Math.max(PARTITION_WIDTH + 120, width - MEMBER_WIDTH - 8);
  const geometry = diagramGeometry({
    partitions,
    members,
    owner,
    width,
    partitionRow: PARTITION_ROW,
    memberRow: MEMBER_ROW,
    partitionRight: PARTITION_WIDTH,
    memberLeft,
  });

  // Edges whose owner changed are highlighted for a moment: the rebalance made visible
  // even with reduced motion, where the arrow jumps instead of swinging.
  // The owner map is rebuilt every render; its content is what the effect depends on.
  const ownerKey = JSON.stringify(owner);
  const previous = useRef<Record<string, string | null>>({});
  const [moved, setMoved] = useState<Record<string, number>>({});
  useEffect(() => {
    const now = performance.now();
    const changed: Record<string, number> = {};
    const current = JSON.parse(ownerKey) as Record<string, string | null>;
    for (const [p, m] of Object.entries(current)) {
      const before = previous.current[p];
      if (before !== undefined && before !== m && m !== null) changed[p] = now;
    }
    previous.current = current;
    if (Object.keys(changed).length === 0) return;
    setMoved((cur) => ({ ...cur, ...changed }));
    const timer = setTimeout(() => setMoved((cur) => Object.fromEntries(Object.entries(cur).filter(([, at]) => performance.now() - at < MOVED_HIGHLIGHT_MS))), MOVED_HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [ownerKey]);

  const transition = `d ${motion.duration(700)}ms ease-in-out, stroke-width 300ms`;
  return (
    <div className="assignment" ref={ref} style={{ height: geometry.height + 6 }} data-testid="assignment-diagram">
      <svg className="assignment-edges" width={width} height={geometry.height + 6} aria-hidden="true">
        <defs>
          <marker id={`arrow-${group.groupId}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill={colour} />
          </marker>
        </defs>
        {geometry.edges.map((e) => (
          <path
            key={e.partition}
            className={moved[e.partition] ? "assignment-edge moved" : "assignment-edge"}
            data-testid={`edge-${e.partition}`}
            data-member={e.member}
            style={{ d: `path("${e.d}")`, transition } as React.CSSProperties}
            stroke={colour}
            markerEnd={`url(#arrow-${group.groupId})`}
          />
        ))}
      </svg>
      {group.partitions.map((p) => (
        <PartitionPill key={p.key} p={p} y={geometry.partitionY[p.key]!} colour={colour} />
      ))}
      {group.members.map((m) => (
        <div key={m.memberId} className="member-slot" style={{ top: geometry.memberY[m.memberId]! - MEMBER_ROW / 2 + 4, left: memberLeft, width: MEMBER_WIDTH }}>
          <MemberCard group={group} member={m} />
        </div>
      ))}
      {group.members.length === 0 && (
        <p className="assignment-empty quiet" style={{ left: memberLeft }}>
          No running members. Add a consumer to read these partitions.
        </p>
      )}
    </div>
  );
}
