import { useEffect } from "react";
import { MAIN_VIEWS, useStore, type MainView as MainViewId } from "../state/store";
import { Inspector } from "../views/inspector/inspector";
import { Drawer } from "../views/produce/drawer";
import { TopicRail } from "../views/topics/topic-rail";
import { FirstWorldHint } from "../views/first-world/first-world-hint";
import { BrokerBanner } from "./broker-banner";
import { Dialogs } from "./dialogs";
import { useShortcuts } from "./shortcuts";
import { TopBar } from "./top-bar";
import { VIEW_REGISTRY } from "./view-registry";

function EmptyMain() {
  const connection = useStore((s) => s.connection);
  const hasTopics = useStore((s) => s.topics.some((t) => !t.internal));
  const openDialog = useStore((s) => s.openDialog);
  const setView = useStore((s) => s.setView);
  if (connection === "another-tab") {
    return (
      <section className="empty-state" data-testid="topic-view-waiting">
        <h2>Waiting for the broker</h2>
        <p>One broker owns this site's files at a time, so that no two tabs ever write the same partition log. Topics appear here as soon as this tab takes over.</p>
      </section>
    );
  }
  if (connection !== "ready") return <section className="empty-state" />;
  return (
    <section className="empty-state" data-testid="topic-view-empty">
      <h2>{hasTopics ? "Pick a topic" : "No topics yet"}</h2>
      <p>
        {hasTopics
          ? "Choose a topic on the left to see its partitions."
          : "Create a topic, produce records into it and watch its partitions grow: offsets, the high watermark, segment files. Or start with Kafka's classic compaction example."}
      </p>
      {!hasTopics && (
        <div className="empty-actions">
          <button type="button" className="primary" onClick={() => openDialog("create-topic")}>
            Create a topic
          </button>
          <button type="button" onClick={() => setView("compaction")}>
            Open the K1…K6 compaction example
          </button>
        </div>
      )}
    </section>
  );
}

function ViewBody({ view, hasTopic }: { view: MainViewId; hasTopic: boolean }) {
  const entry = VIEW_REGISTRY[view] ?? VIEW_REGISTRY.partitions!;
  if (entry.needsTopic && !hasTopic) return <EmptyMain />;
  const View = entry.component;
  return <View />;
}

function MainView() {
  const view = useStore((s) => s.view);
  const setView = useStore((s) => s.setView);
  const description = useStore((s) => s.description);
  const openDialog = useStore((s) => s.openDialog);
  const roll = useStore((s) => s.roll);
  return (
    <main className="main-view" aria-label="Main view">
      <div className="main-tabs">
        <div role="tablist" aria-label="Views" className="tabs">
          {MAIN_VIEWS.map((v, i) => (
            <button
              key={v.id}
              type="button"
              role="tab"
              id={`tab-${v.id}`}
              aria-selected={view === v.id}
              aria-controls="main-panel"
              data-testid={`view-tab-${v.id}`}
              className={view === v.id ? "tab active" : "tab"}
              title={`${v.hint} (${i + 1})`}
              onClick={() => setView(v.id)}
            >
              {v.label}
            </button>
          ))}
        </div>
        {description && (
          <div className="topic-header">
            <h1 className="topic-title" data-testid="topic-title">
              {description.name}
            </h1>
            <span className="topic-facts quiet">
              {description.partitions.length} partition{description.partitions.length === 1 ? "" : "s"} · {description.config.find((c) => c.name === "cleanup.policy")?.value}
            </span>
            <button type="button" className="small" data-testid="roll-segment" onClick={() => void roll(description.name)} title="Close the active segment of every partition now">
              Roll segment
            </button>
            <button type="button" className="small" data-testid="topic-configs" onClick={() => openDialog("topic-config")} title="Every config of this topic, with Kafka's explanation">
              Configs
            </button>
          </div>
        )}
      </div>
      <div id="main-panel" role="tabpanel" aria-labelledby={`tab-${view}`} className="main-panel">
        <ViewBody view={view} hasTopic={description !== null} />
      </div>
    </main>
  );
}

export function App() {
  const connection = useStore((s) => s.connection);
  const actionError = useStore((s) => s.actionError);
  const clearError = useStore((s) => s.clearError);
  const theme = useStore((s) => s.theme);
  const presentation = useStore((s) => s.presentation);
  useShortcuts();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.classList.toggle("presentation", presentation);
  }, [theme, presentation]);
  return (
    <div className="app" data-testid="app" data-state={connection} data-theme={theme}>
      <TopBar />
      <BrokerBanner />
      <FirstWorldHint />
      {actionError && (
        <div className="banner error" role="alert" data-testid="action-error">
          <span>{actionError}</span>
          <button type="button" className="link-button" onClick={clearError}>
            Dismiss
          </button>
        </div>
      )}
      <div className="workbench">
        <TopicRail />
        <MainView />
        <Inspector />
      </div>
      <Drawer />
      <Dialogs />
    </div>
  );
}
