import { useBrokerStore } from "../state/broker-store";
import { TopicRail } from "../views/topics/topic-rail";
import { TopicView } from "../views/partitions/topic-view";
import { BrokerBanner } from "./broker-banner";
import { TopBar } from "./top-bar";

export function App() {
  const connection = useBrokerStore((s) => s.connection);
  const actionError = useBrokerStore((s) => s.actionError);
  const clearError = useBrokerStore((s) => s.clearError);
  return (
    <div className="app" data-testid="app" data-state={connection}>
      <TopBar />
      <BrokerBanner />
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
        <main className="main-view">
          <TopicView />
        </main>
      </div>
    </div>
  );
}
