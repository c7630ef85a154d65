/**
 * A transient push query (SELECT ... EMIT CHANGES): a streams application of its own,
 * `_confluent-ksql-default_transient_<id>`, reading from the session's auto.offset.reset
 * (latest unless SET to earliest) and delivering its rows to whoever follows the handle.
 * LIMIT n ends it after n rows. When it ends its application is stopped and reset, so it
 * leaves neither internal topics nor committed offsets behind, as in ksqlDB.
 */
import type { Row } from "../values";
import type { PushQueryHandle, PushQueryState, ResultColumn } from "./results";

type Listener = (event: { row?: Row; done?: PushQueryState }) => void;

export class PushQuery implements PushQueryHandle {
  private readonly received: Row[] = [];
  private readonly listeners = new Set<Listener>();
  private current: PushQueryState = "RUNNING";
  /** Set once the application is gone. */
  stopped = false;

  constructor(
    readonly id: string,
    readonly applicationId: string,
    readonly columns: ResultColumn[],
    private readonly limit: number | undefined,
    private readonly stopApplication: (q: PushQuery) => Promise<void>,
  ) {}

  state(): PushQueryState {
    return this.current;
  }

  rows(): Row[] {
    return [...this.received];
  }

  /** Called by the query's topology for each result row. */
  deliver(row: Row): void {
    if (this.current !== "RUNNING") return;
    this.received.push(row);
    for (const l of this.listeners) l({ row });
    if (this.limit !== undefined && this.received.length >= this.limit) this.finish("DONE");
  }

  /** Ends the query (LIMIT reached, cancelled, failed); its application is stopped by the SQL engine. */
  finish(state: PushQueryState): void {
    if (this.current !== "RUNNING") return;
    this.current = state;
    for (const l of this.listeners) l({ done: state });
  }

  /** Whether the query is over but its application still runs. */
  needsStop(): boolean {
    return this.current !== "RUNNING" && !this.stopped;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The rows as an async iterator: every row received so far, then each new one as it comes,
   * ending when the query ends (LIMIT reached, cancelled). Rows arrive as the engine runs the
   * query, i.e. as its clock moves or it settles.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Row, void, undefined> {
    let next = 0;
    for (;;) {
      while (next < this.received.length) yield this.received[next++]!;
      if (this.current !== "RUNNING") return;
      await new Promise<void>((resolve) => {
        const stop = this.subscribe(() => {
          stop();
          resolve();
        });
      });
    }
  }

  async cancel(): Promise<void> {
    this.finish("CANCELLED");
    await this.stopApplication(this);
  }
}
