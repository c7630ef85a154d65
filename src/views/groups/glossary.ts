/** One-line explanations of Kafka's group words, shown on hover for learners. */

export const GROUP_STATE_HINT: Record<string, string> = {
  Empty: "Empty: no members. The group's committed offsets are kept; a member joining starts a rebalance.",
  PreparingRebalance: "PreparingRebalance: the coordinator waits for every member to (re)send JoinGroup before forming the next generation.",
  CompletingRebalance: "CompletingRebalance: members have joined; the coordinator waits for the leader's SyncGroup with the assignment.",
  Stable: "Stable: every member has its partitions and heartbeats; records flow.",
  Dead: "Dead: the group has no members and no committed offsets.",
};

export const MEMBER_STATE_HINT: Record<string, string> = {
  STABLE: "The member has its assignment and is polling.",
  PREPARING_REBALANCE: "The member is rejoining: a rebalance is under way (JoinGroup sent).",
  COMPLETING_REBALANCE: "The member has joined and waits for its assignment (SyncGroup).",
  UNJOINED: "The member has not joined yet.",
  CRASHED: "The process died: no more heartbeats. The coordinator evicts it when session.timeout.ms runs out.",
  EVICTED: "The coordinator removed it after its session timed out; its partitions went to the others.",
  LEFT: "It shut down cleanly: it committed, sent LeaveGroup, and the group rebalanced at once.",
};

export const WORDS = {
  generation:
    "Generation: the group's epoch. Each completed rebalance starts a new one; commits from an older generation are refused (ILLEGAL_GENERATION).",
  assignor:
    "partition.assignment.strategy: how the group leader splits partitions among members (range, roundrobin, sticky, cooperative-sticky).",
  lag: "Lag: the high watermark minus the group's committed offset, the records the group has not yet committed as processed.",
  committed: "Committed offset: where the group resumes after a restart or a rebalance: the next record to process.",
  position: "Position: the next offset this consumer will fetch. Ahead of the committed offset until the next commit.",
  highWatermark: "High watermark: the end of what consumers may read (the last fully replicated offset + 1).",
  sessionTimeout: "session.timeout.ms: how long the coordinator waits without a heartbeat before it evicts a member and rebalances.",
  leader: "Leader: the member the coordinator picked to compute the assignment for everyone.",
  rate: "How many records per second of engine time this consumer can process. Slow it down to watch lag grow.",
} as const;

export const PHASE_HINT = {
  joining: "joining (JoinGroup): the group prepares a rebalance; eager assignors have revoked every partition",
  syncing: "syncing (SyncGroup): waiting for the leader's assignment",
  stable: "stable: owns its partitions and processes records",
} as const;
