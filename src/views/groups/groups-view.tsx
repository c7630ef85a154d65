import { useEffect, useState } from "react";
import { formatCount } from "../../app/format";
import { groupColour } from "../../app/key-colours";
import type { AssignorChoice, RewindTarget, WorkbenchGroup } from "../../engine-client/workbench-types";
import { startGroupsPoller } from "../../state/groups-poller";
import { useStore } from "../../state/store";
import { AssignmentDiagram } from "./assignment-diagram";
import { GROUP_STATE_HINT, WORDS } from "./glossary";
import { LagChart } from "./lag-chart";
import { OrderingPanel } from "./ordering-panel";
import { RebalanceLanes } from "./rebalance-lanes";
import "./groups.css";

const ASSIGNORS: AssignorChoice[] = ["range", "roundrobin", "sticky", "cooperative-sticky"];

const REWINDS: Array<{ id: string; label: string; target: (now: number) => RewindTarget }> = [
  { id: "earliest", label: "to the beginning", target: () => "earliest" },
  { id: "1m", label: "by 1 minute", target: (now) => ({ timestamp: now - 60_000 }) },
  { id: "10s", label: "by 10 seconds", target: (now) => ({ timestamp: now - 10_000 }) },
  { id: "latest", label: "to the end (skip all)", target: () => "latest" },
];

/** Start a new group: name it, pick the topic, and its first consumer joins. */
function NewGroupForm({ onDone, compact }: { onDone?: () => void; compact?: boolean }) {
  const allTopics = useStore((s) => s.topics);
  const topics = allTopics.filter((t) => !t.internal);
  const groups = useStore((s) => s.groups);
  const addConsumer = useStore((s) => s.addConsumer);
  const [groupId, setGroupId] = useState("");
  const [topic, setTopic] = useState("");
  const [assignor, setAssignor] = useState<AssignorChoice>("range");
  const chosenTopic = topic || topics[0]?.name || "";
  const suggested = `group-${groups.length + 1}`;
  if (topics.length === 0) return <p className="quiet">Create a topic first: a group reads topics.</p>;
  return (
    <form
      className={compact ? "new-group compact" : "new-group"}
      data-testid="new-group-form"
      onSubmit={(e) => {
        e.preventDefault();
        void addConsumer({ groupId: groupId.trim() || suggested, topics: [chosenTopic], assignor }).then((id) => {
          if (id !== null) {
            setGroupId("");
            onDone?.();
          }
        });
      }}
    >
      <label>
        <span className="label">group.id</span>
        <input data-testid="new-group-id" value={groupId} placeholder={suggested} onChange={(e) => setGroupId(e.target.value)} />
      </label>
      <label>
        <span className="label">topic</span>
        <select data-testid="new-group-topic" value={chosenTopic} onChange={(e) => setTopic(e.target.value)}>
          {topics.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </label>
      <label title={WORDS.assignor}>
        <span className="label">assignor</span>
        <select data-testid="new-group-assignor" value={assignor} onChange={(e) => setAssignor(e.target.value as AssignorChoice)}>
          {ASSIGNORS.map((a) => (
            <option key={a}>{a}</option>
          ))}
        </select>
      </label>
      <button type="submit" className="primary" data-testid="new-group-submit">
        Start a consumer
      </button>
    </form>
  );
}

function GroupHeader({ group }: { group: WorkbenchGroup }) {
  const addConsumer = useStore((s) => s.addConsumer);
  const setGroupAssignor = useStore((s) => s.setGroupAssignor);
  const rewindGroup = useStore((s) => s.rewindGroup);
  const [rewind, setRewind] = useState("earliest");
  const workbench = group.assignor !== null;
  const running = group.members.filter((m) => m.life === "running").length;
  return (
    <div className="group-header">
      <span className="group-dot" style={{ background: groupColour(group.groupId) }} aria-hidden="true" />
      <h2 className="group-title" data-testid="group-title">
        {group.groupId}
      </h2>
      <span className={`group-state state-${group.state}`} data-testid="group-state" title={GROUP_STATE_HINT[group.state] ?? ""}>
        {group.state}
      </span>
      <span className="num" data-testid="group-generation" title={WORDS.generation}>
        generation {group.generation}
      </span>
      {group.protocol && (
        <span className="quiet num" title="The assignor the group's members agreed on">
          protocol {group.protocol}
        </span>
      )}
      <span className="spacer" />
      {workbench && (
        <>
          <label className="inline-field" title={WORDS.assignor}>
            <span className="label">assignor</span>
            <select data-testid="group-assignor" value={group.assignor ?? "range"} onChange={(e) => void setGroupAssignor(group.groupId, e.target.value as AssignorChoice)}>
              {ASSIGNORS.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <span className="inline-field">
            <label className="label" htmlFor="rewind-target">
              rewind
            </label>
            <select id="rewind-target" data-testid="rewind-target" value={rewind} onChange={(e) => setRewind(e.target.value)}>
              {REWINDS.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.label}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="small"
              data-testid="rewind-group"
              disabled={running === 0}
              title="Every running member seeks its partitions; records are processed again (watch the ordering check)"
              onClick={() => void rewindGroup(group.groupId, REWINDS.find((r) => r.id === rewind)!.target(useStore.getState().clock?.now ?? 0))}
            >
              Rewind
            </button>
          </span>
          <button type="button" className="primary" data-testid="add-consumer" onClick={() => void addConsumer({ groupId: group.groupId })}>
            + Add consumer
          </button>
        </>
      )}
    </div>
  );
}

export function GroupsView() {
  const groups = useStore((s) => s.groups);
  const loaded = useStore((s) => s.groupsLoaded);
  const selectedGroup = useStore((s) => s.selectedGroup);
  const selectGroup = useStore((s) => s.selectGroup);
  const timelines = useStore((s) => s.timelines);
  const lagHistory = useStore((s) => s.lagHistory);
  const [adding, setAdding] = useState(false);
  useEffect(() => startGroupsPoller(), []);
  const group = groups.find((g) => g.groupId === selectedGroup) ?? groups[0];

  if (!loaded) return <section className="groups-view" data-testid="groups-view" />;
  if (!group) {
    return (
      <section className="empty-state" data-testid="groups-empty">
        <h2>No consumer groups yet</h2>
        <p>A consumer group shares a topic's partitions among its members and remembers how far it got (committed offsets). Start one: its first consumer joins and reads.</p>
        <NewGroupForm />
      </section>
    );
  }
  return (
    <section className="groups-view" data-testid="groups-view">
      <div className="group-picker">
        <div className="group-tabs" role="tablist" aria-label="Consumer groups">
        {groups.map((g) => (
          <button
            key={g.groupId}
            type="button"
            role="tab"
            aria-selected={g.groupId === group.groupId}
            className={g.groupId === group.groupId ? "group-tab active" : "group-tab"}
            data-testid={`group-tab-${g.groupId}`}
            onClick={() => selectGroup(g.groupId)}
          >
            <span className="group-dot" style={{ background: groupColour(g.groupId) }} aria-hidden="true" />
            {g.groupId}
            <span className="quiet num">
              {g.members.filter((m) => m.life === "running").length}m · lag {formatCount(g.totalLag)}
            </span>
          </button>
        ))}
        </div>
        <button type="button" className="small" data-testid="new-group" aria-expanded={adding} onClick={() => setAdding(!adding)}>
          + New group
        </button>
      </div>
      {adding && <NewGroupForm compact onDone={() => setAdding(false)} />}
      <GroupHeader group={group} />
      <AssignmentDiagram group={group} />
      <RebalanceLanes timeline={timelines[group.groupId]} groupId={group.groupId} />
      <div className="groups-bottom">
        <LagChart samples={lagHistory[group.groupId] ?? []} partitions={group.partitions.map((p) => p.key)} groupId={group.groupId} />
        <OrderingPanel ordering={group.ordering} />
      </div>
    </section>
  );
}
