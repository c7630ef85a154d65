import { useState } from "react";
import { formatCount, formatDuration } from "../../app/format";
import type { WorkbenchGroup, WorkbenchMember } from "../../engine-client/workbench-types";
import { useStore } from "../../state/store";
import { useEngineNow } from "../../state/use-engine-now";
import { MEMBER_STATE_HINT, WORDS } from "./glossary";

const LIFE_LABEL: Record<WorkbenchMember["life"], string> = {
  running: "",
  crashed: "CRASHED",
  left: "LEFT",
  evicted: "EVICTED",
};

function SessionCountdown({ member }: { member: WorkbenchMember }) {
  const now = useEngineNow();
  if (member.evictBy === null || member.since === null) return null;
  const left = Math.max(0, member.evictBy - now);
  const share = Math.min(1, left / member.sessionTimeoutMs);
  return (
    <div className="countdown" data-testid={`countdown-${member.memberId}`} title={WORDS.sessionTimeout}>
      <span className="num">
        evicted within {formatDuration(Math.ceil(left / 100) * 100)} · session.timeout.ms {formatDuration(member.sessionTimeoutMs)}
      </span>
      <div className="countdown-bar" aria-hidden="true">
        <div style={{ width: `${share * 100}%` }} />
      </div>
    </div>
  );
}

export function MemberCard({ group, member }: { group: WorkbenchGroup; member: WorkbenchMember }) {
  const busy = useStore((s) => s.busyMember === member.memberId);
  const removeConsumer = useStore((s) => s.removeConsumer);
  const crashConsumer = useStore((s) => s.crashConsumer);
  const setConsumerRate = useStore((s) => s.setConsumerRate);
  const [rate, setRate] = useState(String(member.recordsPerSecond));
  const running = member.life === "running";
  const violations = group.ordering?.byProcessor[member.memberId];
  const outOfOrder = violations ? violations["offset-regression"] + violations["partition-change"] : 0;
  const late = violations ? violations["event-time-regression"] : 0;
  const stateLabel = running ? member.state : LIFE_LABEL[member.life];
  const leader = group.leader === member.memberId;
  return (
    <article className={`member-card life-${member.life}`} data-testid={`member-card-${member.memberId}`} data-life={member.life} aria-label={`Member ${member.memberId}`}>
      <header className="member-head">
        <h3 className="member-name num">{member.memberId}</h3>
        <span className={`member-state state-${stateLabel.toLowerCase()}`} title={MEMBER_STATE_HINT[stateLabel] ?? ""} data-testid={`member-state-${member.memberId}`}>
          {stateLabel}
        </span>
        {leader && (
          <span className="badge" title={WORDS.leader}>
            leader
          </span>
        )}
        {running && member.generation >= 0 && (
          <span className="quiet num member-gen" title={WORDS.generation}>
            gen {member.generation}
          </span>
        )}
      </header>
      {member.external && <p className="member-note quiet">Not started here (a stream application's or a client's member): shown, not controlled.</p>}
      {running && !member.external && (
        <div className="member-facts num">
          <span data-testid={`member-processed-${member.memberId}`}>{formatCount(member.processed)} processed</span>
          <span title={WORDS.rate} className="member-rate">
            <span data-testid={`member-actual-rate-${member.memberId}`}>{formatCount(member.actualRate)}/s</span>
            <span className="quiet">max</span>
            <input
              className="rate-input num"
              aria-label={`Processing rate of ${member.memberId}, records per second`}
              data-testid={`member-rate-${member.memberId}`}
              value={rate}
              inputMode="numeric"
              onChange={(e) => setRate(e.target.value)}
              onBlur={() => {
                const n = Number(rate);
                if (Number.isFinite(n) && n >= 1 && n !== member.recordsPerSecond) void setConsumerRate(group.groupId, member.memberId, n);
                else setRate(String(member.recordsPerSecond));
              }}
              onKeyDown={(e) => {
                if (e.key === "Enter") (e.target as HTMLInputElement).blur();
              }}
            />
            <span className="quiet">/s</span>
          </span>
        </div>
      )}
      {member.life === "crashed" && <SessionCountdown member={member} />}
      {member.life === "left" && <p className="member-note quiet">Shut down cleanly: committed, then LeaveGroup.</p>}
      {member.life === "evicted" && <p className="member-note quiet">No heartbeat for session.timeout.ms: evicted, its partitions moved.</p>}
      {(outOfOrder > 0 || late > 0) && (
        <p className="member-warn" data-testid={`member-ordering-${member.memberId}`}>
          {outOfOrder > 0 && <span title="Records of a key processed again or across partitions: see Ordering below">⚠ {formatCount(outOfOrder)} replayed</span>}
          {late > 0 && <span title="Records whose event time is earlier than the key's previous record">↶ {formatCount(late)} event time back</span>}
        </p>
      )}
      {running && !member.external && (
        <div className="member-actions">
          <button type="button" className="small" disabled={busy} data-testid={`member-stop-${member.memberId}`} title="Close cleanly: commit, LeaveGroup, the group rebalances at once" onClick={() => void removeConsumer(group.groupId, member.memberId)}>
            Stop
          </button>
          <button type="button" className="small danger" disabled={busy} data-testid={`member-crash-${member.memberId}`} title="Kill the process: heartbeats stop; the coordinator notices after session.timeout.ms" onClick={() => void crashConsumer(group.groupId, member.memberId)}>
            Crash
          </button>
        </div>
      )}
    </article>
  );
}
