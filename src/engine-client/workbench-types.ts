/**
 * Types of the engine calls behind the groups, windows, topology and editor views, for
 * the UI (type-only: the values live in the broker worker).
 */
export type {
  AddConsumerInput,
  ApplicationEvent,
  ApplicationFailure,
  ApplicationView,
  HostEvent,
  NodePlan,
  PlainValue,
  PushRowsView,
  SqlCatalog,
  SqlExecutionView,
  SqlResultView,
  ResetReport,
  RestartRequest,
  StartApplicationInput,
  StreamsEngineEvent,
  StreamsEvent,
  WindowBounds,
  AssignorChoice,
  GroupEvent,
  MemberLife,
  OrderingSummary,
  OrderingViolation,
  RecentRecord,
  RewindTarget,
  ViolationKind,
  WorkbenchGroup,
  WorkbenchGroupPartition,
  WorkbenchMember,
} from "../../workers/engine/engine-api";
export type { AssignmentSnapshot } from "../../workers/groups/group-events";
export type { GroupState } from "../../workers/groups/group-state";
