import { useEffect } from "react";
import { formatCount } from "../../app/format";
import { groupColour } from "../../app/key-colours";
import { startGroupsPoller } from "../../state/groups-poller";
import { useStore } from "../../state/store";
import { WORDS } from "./glossary";

/** The rail's groups: member counts and total lag next to each, a click opens the group. */
export function GroupsRailSection() {
  const groups = useStore((s) => s.groups);
  const setView = useStore((s) => s.setView);
  const selectGroup = useStore((s) => s.selectGroup);
  useEffect(() => startGroupsPoller(), []);
  return (
    <div className="rail-section">
      <div className="rail-heading-row">
        <h2 className="rail-heading">Groups</h2>
      </div>
      {groups.length === 0 ? (
        <p className="empty">No consumer groups.</p>
      ) : (
        <ul className="topic-list" data-testid="rail-groups">
          {groups.map((g) => {
            const running = g.members.filter((m) => m.life === "running").length;
            return (
              <li key={g.groupId}>
                <button
                  type="button"
                  className="group-rail-item"
                  data-testid={`rail-group-${g.groupId}`}
                  title={`${g.state}, generation ${g.generation}. ${WORDS.lag}`}
                  onClick={() => {
                    selectGroup(g.groupId);
                    setView("groups");
                  }}
                >
                  <span className="group-dot" style={{ background: groupColour(g.groupId) }} aria-hidden="true" />
                  <span className="group-rail-name">{g.groupId}</span>
                  <span className="group-rail-meta quiet num">
                    {running}m · lag {formatCount(g.totalLag)}
                  </span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
