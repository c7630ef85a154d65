import type { PartitionDescription } from "../../engine-client/broker-client";

const EXPLAIN = {
  logStartOffset: "Log start offset: the first offset still in the log; everything before it was deleted by retention (or DeleteRecords).",
  highWatermark: "High watermark: offsets below it are committed and visible to consumers.",
  logEndOffset: "Log end offset: the offset the next appended record will get.",
  segments: "Segments: the log's files, each named by its base offset (the first offset it holds). New records go to the active segment.",
};

export function PartitionTable({ partitions }: { partitions: PartitionDescription[] }) {
  return (
    <table className="partitions" data-testid="partition-table">
      <thead>
        <tr>
          <th scope="col">Partition</th>
          <th scope="col" className="num" title={EXPLAIN.logStartOffset}>
            Log start offset
          </th>
          <th scope="col" className="num" title={EXPLAIN.highWatermark}>
            High watermark
          </th>
          <th scope="col" className="num" title={EXPLAIN.logEndOffset}>
            Log end offset
          </th>
          <th scope="col" title={EXPLAIN.segments}>
            Segments (base offsets)
          </th>
        </tr>
      </thead>
      <tbody>
        {partitions.map((p) => (
          <tr key={p.partition} data-testid={`partition-row-${p.partition}`}>
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
            <td>
              <ol className="segments" data-testid="segments" aria-label={`Segments of partition ${p.partition}`}>
                {p.segments.map((s) => (
                  <li
                    key={s.baseOffset}
                    className={s.isActive ? "segment active" : "segment"}
                    data-testid={`segment-${s.baseOffset}`}
                    data-active={s.isActive}
                    title={`${s.fileName} · offsets ${s.baseOffset}–${Math.max(s.baseOffset, s.nextOffset - 1)} · ${s.sizeInBytes} bytes${s.isActive ? " · active segment (appends go here)" : ""}`}
                  >
                    <span className="num">{s.baseOffset}</span>
                    {s.isActive && <span className="segment-tag">active</span>}
                  </li>
                ))}
              </ol>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
