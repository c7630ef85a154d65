import type { PartitionDescription } from "../../engine-client/broker-client";
import { formatBytes } from "../../app/format";

const EXPLAIN = {
  logStartOffset: "Log start offset: the first offset still in the log; everything before it was deleted by retention (or DeleteRecords).",
  highWatermark: "High watermark: offsets below it are committed and visible to consumers.",
  logEndOffset: "Log end offset: the offset the next appended record will get.",
  segments: "Segments: the log's files, each named by its base offset (the first offset it holds). New records go to the active segment.",
};

/** Every partition's offsets and segment files, as numbers. */
export function PartitionTable({ partitions }: { partitions: PartitionDescription[] }) {
  return (
    <table className="partitions" data-testid="partition-table">
      <thead>
        <tr>
          <th scope="col">P</th>
          <th scope="col" className="num" title={EXPLAIN.logStartOffset}>
            Log start
          </th>
          <th scope="col" className="num" title={EXPLAIN.highWatermark}>
            HW
          </th>
          <th scope="col" className="num" title={EXPLAIN.logEndOffset}>
            LEO
          </th>
        </tr>
      </thead>
      {partitions.map((p) => (
        <tbody key={p.partition} data-testid={`partition-row-${p.partition}`}>
          <tr>
            <th scope="row">
              <span className="num">{p.partition}</span>
            </th>
            <td className="num" data-testid="log-start-offset">
              {p.logStartOffset}
            </td>
            <td className="num" data-testid="high-watermark">
              {p.highWatermark}
            </td>
            <td className="num" data-testid="log-end-offset">
              {p.logEndOffset}
            </td>
          </tr>
          <tr className="segments-row">
            <td colSpan={4}>
              <ol className="segments" data-testid="segments" aria-label={`Segments of partition ${p.partition}`} title={EXPLAIN.segments}>
                {p.segments.map((s) => (
                  <li
                    key={s.baseOffset}
                    className={s.isActive ? "segment active" : "segment"}
                    data-testid={`segment-${s.baseOffset}`}
                    data-active={s.isActive}
                    title={`${s.fileName} · offsets ${s.baseOffset}–${Math.max(s.baseOffset, s.nextOffset - 1)} · ${formatBytes(s.sizeInBytes)}${s.isActive ? " · active segment (appends go here)" : " · closed"}`}
                  >
                    <span className="num">{s.baseOffset}</span>
                    {s.isActive && <span className="segment-tag">active</span>}
                  </li>
                ))}
              </ol>
            </td>
          </tr>
        </tbody>
      ))}
    </table>
  );
}
