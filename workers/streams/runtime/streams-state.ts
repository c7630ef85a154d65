/**
 * KafkaStreams.State and the transitions Kafka allows between them. An application that
 * fails goes PENDING_ERROR → ERROR and stays there; it is started again as a new instance.
 */
import { KafkaError } from "../../protocol/errors";

export type StreamsState = "CREATED" | "REBALANCING" | "RUNNING" | "PENDING_SHUTDOWN" | "NOT_RUNNING" | "PENDING_ERROR" | "ERROR";

const VALID: Readonly<Record<StreamsState, readonly StreamsState[]>> = {
  CREATED: ["REBALANCING", "PENDING_SHUTDOWN"],
  REBALANCING: ["RUNNING", "PENDING_SHUTDOWN", "PENDING_ERROR"],
  RUNNING: ["REBALANCING", "RUNNING", "PENDING_SHUTDOWN", "PENDING_ERROR"],
  PENDING_SHUTDOWN: ["NOT_RUNNING"],
  NOT_RUNNING: [],
  PENDING_ERROR: ["ERROR"],
  ERROR: [],
};

export function isValidTransition(from: StreamsState, to: StreamsState): boolean {
  return VALID[from].includes(to);
}

/** Holds an application's state; an invalid transition is a bug in the host, reported as ILLEGAL_STATE. */
export class StreamsStateMachine {
  private current: StreamsState = "CREATED";

  constructor(
    private readonly applicationId: string,
    private readonly onChange: (from: StreamsState, to: StreamsState) => void = () => {},
  ) {}

  get state(): StreamsState {
    return this.current;
  }

  isRunningOrRebalancing(): boolean {
    return this.current === "RUNNING" || this.current === "REBALANCING";
  }

  /** True when the application has stopped for good (cleanly or by an error). */
  isTerminal(): boolean {
    return this.current === "NOT_RUNNING" || this.current === "ERROR";
  }

  to(next: StreamsState): void {
    if (!isValidTransition(this.current, next)) {
      throw new KafkaError("ILLEGAL_STATE", `streams application "${this.applicationId}": state transition from ${this.current} to ${next} is not allowed`);
    }
    const from = this.current;
    this.current = next;
    if (from !== next) this.onChange(from, next);
  }
}
