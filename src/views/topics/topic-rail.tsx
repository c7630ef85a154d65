import { formatBytes, formatCount } from "../../app/format";
import { useStore } from "../../state/store";
import { GroupsRailSection } from "../groups/groups-rail";

const KIND_LABEL: Record<string, string> = {
  trucks: "truck positions",
  clickstream: "clickstream",
  "orders-payments": "orders & payments",
  "iot-sensors": "IoT sensors",
};

/** Topics with their live rates, then the generators producing into them. */
export function TopicRail() {
  const topics = useStore((s) => s.topics);
  const selected = useStore((s) => s.selected);
  const selectTopic = useStore((s) => s.selectTopic);
  const ready = useStore((s) => s.connection === "ready");
  const rates = useStore((s) => s.rates);
  const generators = useStore((s) => s.generators);
  const openDialog = useStore((s) => s.openDialog);
  const openDrawer = useStore((s) => s.openDrawer);
  const visible = topics.filter((t) => !t.internal);

  return (
    <nav className="rail" aria-label="Topics and generators">
      <div className="rail-section">
        <div className="rail-heading-row">
          <h2 className="rail-heading">Topics</h2>
          <button type="button" className="small" data-testid="new-topic" disabled={!ready} onClick={() => openDialog("create-topic")} title="Create a topic (n)">
            + New
          </button>
        </div>
        {visible.length === 0 ? (
          <p className="empty" data-testid="topic-list-empty">
            {ready ? "No topics yet — create one, or load the K1…K6 compaction example." : "—"}
          </p>
        ) : (
          <ul className="topic-list" data-testid="topic-list">
            {visible.map((t) => {
              const rate = rates[t.name] ?? 0;
              return (
                <li key={t.name}>
                  <button
                    type="button"
                    className={t.name === selected ? "topic-item selected" : "topic-item"}
                    aria-current={t.name === selected}
                    data-testid={`topic-item-${t.name}`}
                    onClick={() => selectTopic(t.name)}
                    title={`${t.records} records below the high watermarks, ${formatBytes(t.sizeInBytes)} in segments`}
                  >
                    <span className="topic-name">{t.name}</span>
                    <span className="topic-meta num">
                      {t.partitions}p · {formatCount(t.records)}
                    </span>
                    {rate > 0 && (
                      <span className="topic-rate num" data-testid={`topic-rate-${t.name}`} title="Records per second of engine time, over the last second">
                        {formatCount(rate)}/s
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <div className="rail-section">
        <div className="rail-heading-row">
          <h2 className="rail-heading">Generators</h2>
          <button type="button" className="small" disabled={!ready || visible.length === 0} onClick={() => openDrawer("generators")} title="Start a generator">
            + Start
          </button>
        </div>
        {generators.length === 0 ? (
          <p className="empty">None running.</p>
        ) : (
          <ul className="generator-list" data-testid="rail-generators">
            {generators.map((g) => (
              <li key={g.id} className="generator-item">
                <span className="state-badge running">RUN</span>
                <span>{KIND_LABEL[g.kind] ?? g.kind}</span>
                <span className="quiet num">
                  → {g.topic} · {formatCount(g.actualRate)}/s
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <GroupsRailSection />
    </nav>
  );
}
