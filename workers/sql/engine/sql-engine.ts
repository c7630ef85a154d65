/**
 * Executes ksqlDB statements against an engine, as ksqlDB's server does.
 *
 * - The whole text is parsed first; a syntax error runs nothing. Then statements run one
 *   by one and the first failure stops the rest.
 * - Each statement is checked completely (planned on a copy of the metastore, its
 *   topology built on a throwaway builder) before it does anything; if a side effect fails
 *   half way (the query cannot start), what it did is undone: no half-created stream, no
 *   orphan topic.
 * - Statements that change the metastore are appended to the command topic; a new engine
 *   on the same storage replays it and resumes the persistent queries.
 * - Persistent queries are stream applications built by the planner and run by the
 *   engine's streams runtime; push queries are transient applications; pull queries read
 *   current state.
 */
import type { Engine } from "../../engine/engine";
import { isKafkaError } from "../../protocol/errors";
import { SeededRandom } from "../../runtime/random";
import { StreamsBuilder } from "../../streams/streams-builder";
import type { CreateAsSelect, InsertInto, Query, Statement } from "../ast";
import { KsqlException, SqlSyntaxError } from "../errors";
import { evalContext, type EvalContext } from "../functions/registry";
import { builtinFunctions } from "../functions";
import { aggregateNames } from "../aggregates";
import { MetaStore, type DataSource, type QueryInfo } from "../metastore";
import { parseStatements } from "../parse";
import type { PlanContext, ProcessingLogEntry } from "../planner/context";
import { validateUpgrade } from "../planner/execution-plan";
import { planQuery, type PlannedQuery } from "../planner/plan-query";
import type { Row } from "../values";
import { cellText, renderTable } from "./cli-table";
import { appendCommand, commandId, nextCommandOffset, readCommands, type StoredCommand } from "./command-topic";
import { planCreateSource, type TopicLookup } from "./create-source";
import { describeType } from "./describe";
import { describe, describeFunction, explain, list, print, queryStatus, type InspectedEngine } from "./inspect";
import { buildInsert } from "./insert-values";
import { planCreateAsSelect, planInsertInto, KSQL_SERVICE_ID, type PersistentQueryPlan } from "./persistent-query";
import { answerPull, planPull, rowsFromStores, rowsFromTopic } from "./pull-query";
import { PushQuery } from "./push-query";
import { presetOffsets, streamsConfig } from "./query-start";
import type { ResultTable, SqlExecution, SqlStatementError, SqlStatementResult, StatementInfo } from "./results";
import { firstWords, statementAt, statementSpans } from "./statement-spans";

export interface ExecuteOptions {
  /**
   * What a push query does: "finish" (the runner) runs it until the engine is at rest,
   * collects its rows and ends it; "keep" (the workbench) leaves it running and returns a
   * handle to follow.
   */
  push?: "finish" | "keep";
}

/** A persistent query the engine runs, with what is needed to rebuild or read it. */
interface LiveQuery {
  info: QueryInfo;
  plan: PersistentQueryPlan;
  /** The session properties it was started with. */
  props: Record<string, string>;
  /** The planned select of the running topology (for pull queries on its store). */
  planned?: PlannedQuery;
}

/** Session properties passed on to the applications of new queries. */
const PROCESSING_LOG_LIMIT = 1000;

const attached = new WeakMap<Engine, Promise<SqlEngine>>();

function stripPosition(message: string): string {
  return message.replace(/^Line: \d+, Col: \d+: /, "").replace(/^\d+:\d+: /, "");
}

export class SqlEngine implements InspectedEngine {
  readonly metastore = new MetaStore();
  private readonly live = new Map<string, LiveQuery>();
  readonly session = new Map<string, string>();
  private readonly pushQueries = new Map<string, PushQuery>();
  private readonly log: ProcessingLogEntry[] = [];
  private transientCount = 0;

  private constructor(readonly engine: Engine) {}

  /** The SQL engine of `engine`, made on first use; replays the command topic when it has one. */
  static attach(engine: Engine): Promise<SqlEngine> {
    let p = attached.get(engine);
    if (!p) {
      p = (async () => {
        const sql = new SqlEngine(engine);
        await sql.replay();
        return sql;
      })();
      attached.set(engine, p);
      p.catch(() => attached.delete(engine));
    }
    return p;
  }

  // =====================================================================================
  // Context

  private topics(): TopicLookup {
    const broker = this.engine.broker;
    return {
      partitionCount: (t) => (this.engine.hasTopic(t) ? this.engine.partitionCount(t) : undefined),
      retentionMs(t) {
        if (!broker.hasTopic(t)) return undefined;
        const v = broker.describeTopic(t).config.find((c) => c.name === "retention.ms")?.value;
        return v === null || v === undefined ? undefined : Number(v);
      },
    };
  }

  private evalFor(queryId: string): EvalContext {
    let seed = 0;
    for (let i = 0; i < queryId.length; i++) seed = (seed * 31 + queryId.charCodeAt(i)) | 0;
    const random = new SeededRandom(seed);
    return evalContext({
      clock: this.engine.scheduler.clock,
      random,
      onError: (e, expression) => this.record({ queryId, message: `Error computing expression ${expression}: ${e instanceof Error ? e.message : String(e)}` }),
    });
  }

  private record(entry: ProcessingLogEntry): void {
    this.log.push(entry);
    if (this.log.length > PROCESSING_LOG_LIMIT) this.log.splice(0, this.log.length - PROCESSING_LOG_LIMIT);
  }

  running(queryId: string): { plan: PersistentQueryPlan; props: Readonly<Record<string, string>> } | undefined {
    return this.live.get(queryId);
  }

  planStatement(st: CreateAsSelect | InsertInto, offset: number): PersistentQueryPlan | { noop: string } {
    const ctx = this.buildContext(`${st.kind}_${offset}`);
    return st.kind === "CreateAsSelect" ? planCreateAsSelect(st, this.metastore, this.topics(), ctx, offset) : planInsertInto(st, this.metastore, ctx, offset);
  }

  planContext(queryId: string): PlanContext {
    return { ...this.buildContext(queryId), metastore: this.metastore, queryId };
  }

  private buildContext(queryId: string): Omit<PlanContext, "queryId" | "metastore"> {
    return {
      partitionCount: this.topics().partitionCount,
      evalContext: this.evalFor(queryId),
      processingLog: (e) => this.record(e),
    };
  }

  private sessionProperties(): Record<string, string> {
    return Object.fromEntries(this.session);
  }

  /** Records a query could not process (bad data, null group keys, failing functions). */
  processingLog(): ProcessingLogEntry[] {
    return [...this.log];
  }

  // =====================================================================================
  // Execution

  async execute(text: string, options: ExecuteOptions = {}): Promise<SqlExecution> {
    await this.reapPushQueries();
    const spans = statementSpans(text);
    let statements: Statement[];
    try {
      statements = parseStatements(text).statements;
    } catch (e) {
      if (!(e instanceof SqlSyntaxError)) throw e;
      const n = statementAt(spans, e.offset);
      const span = spans[n - 1];
      const stmtText = span ? text.slice(span.start, span.end) : text.trim();
      return {
        results: [],
        error: {
          statement: { index: n, text: stmtText, kind: "Unparsed", line: span?.line ?? e.line, column: span?.column ?? e.column },
          line: e.line,
          column: e.column,
          message: stripPosition(e.message),
          kind: "syntax",
        },
      };
    }
    const results: SqlStatementResult[] = [];
    for (const [i, st] of statements.entries()) {
      const info: StatementInfo = { index: i + 1, text: st.text, kind: st.kind, line: st.loc.line, column: st.loc.column };
      try {
        results.push(await this.executeOne(st, info, options));
      } catch (e) {
        if (!isKafkaError(e)) throw e;
        return { results, error: this.errorOf(e, info) };
      }
    }
    return { results };
  }

  private errorOf(e: Error, info: StatementInfo): SqlStatementError {
    const positioned = e as Error & { line?: number; column?: number };
    const line = typeof positioned.line === "number" ? positioned.line : info.line;
    const column = typeof positioned.column === "number" ? positioned.column : info.column;
    return { statement: info, line, column, message: stripPosition(e.message), kind: e instanceof SqlSyntaxError ? "syntax" : "statement" };
  }

  private async executeOne(st: Statement, info: StatementInfo, options: ExecuteOptions): Promise<SqlStatementResult> {
    switch (st.kind) {
      case "CreateSource":
        return this.createSource(st, info);
      case "CreateAsSelect":
      case "InsertInto":
        return this.persistentQuery(st, info);
      case "InsertValues":
        return this.insertValues(st, info);
      case "QueryStatement":
        return st.query.emit ? this.push(st.query, info, options.push ?? "finish") : this.pull(st.query, info);
      case "DropSource":
        return this.drop(st, info);
      case "Terminate":
        return this.terminate(st, info);
      case "List":
        return list(this, st, info);
      case "Describe":
        return describe(this, st, info);
      case "DescribeFunction":
        return describeFunction(st.name, info);
      case "Explain":
        return explain(this, st, info);
      case "Print":
        return print(this, st, info);
      case "SetProperty":
        this.session.set(st.name, st.value);
        return { statement: info, message: `Successfully changed local property '${st.name}' to '${st.value}'.` };
      case "UnsetProperty":
        this.session.delete(st.name);
        return { statement: info, message: `Successfully unset local property '${st.name}'.` };
    }
  }

  // ---- CREATE STREAM / TABLE ----

  private async createSource(st: Extract<Statement, { kind: "CreateSource" }>, info: StatementInfo): Promise<SqlStatementResult> {
    const plan = planCreateSource(st, this.metastore, this.topics());
    if (!plan.source) return { statement: info, message: plan.message };
    let created = false;
    try {
      if (plan.createTopic) {
        await this.engine.createTopic(plan.createTopic);
        created = true;
      }
      await appendCommand(this.engine, commandId(st.sourceType.toLowerCase(), `\`${st.name}\``, "create"), { statement: st.text, streamsProperties: this.sessionProperties() });
    } catch (e) {
      if (created) await this.engine.broker.deleteTopic(plan.createTopic!.name).catch(() => undefined);
      throw e;
    }
    this.metastore.putSource(plan.source);
    return { statement: info, message: plan.message };
  }

  // ---- CREATE ... AS SELECT, INSERT INTO ... SELECT ----

  private async persistentQuery(st: Extract<Statement, { kind: "CreateAsSelect" | "InsertInto" }>, info: StatementInfo): Promise<SqlStatementResult> {
    // The query id carries the offset its command will get, as in ksqlDB.
    const offset = nextCommandOffset(this.engine);
    const props = this.sessionProperties();
    const ctx = this.buildContext(`${st.kind}_${offset}`);
    const plan = st.kind === "CreateAsSelect" ? planCreateAsSelect(st, this.metastore, this.topics(), ctx, offset) : planInsertInto(st, this.metastore, ctx, offset);
    if ("noop" in plan) return { statement: info, message: plan.noop };
    const next = this.metastore.copy();
    if (st.kind === "CreateAsSelect") next.putSource(plan.sink);
    const queryInfo: QueryInfo = { id: plan.queryId, kind: plan.kind, statement: st.text, sink: plan.sink.name, sinkTopic: plan.sink.topic, sources: plan.sources, applicationId: plan.applicationId };
    next.putQuery(queryInfo);
    // CREATE OR REPLACE of a running query: the new topology must keep the old one's
    // state and topics (ksqlDB's upgrade rules); it then takes over from the committed offsets.
    const replaced = plan.replaces !== undefined ? this.live.get(plan.replaces) : undefined;
    if (replaced) validateUpgrade(replaced.plan.executionPlan, plan.executionPlan);
    let createdTopic = false;
    let started = false;
    let stoppedOld = false;
    try {
      if (plan.createTopic) {
        await this.engine.createTopic(plan.createTopic);
        createdTopic = true;
      }
      if (replaced) {
        await this.stopQuery(replaced.info.id, false);
        stoppedOld = true;
      }
      await this.startQuery(queryInfo, plan, next, props, plan.replaces === undefined);
      started = true;
      const id = st.kind === "CreateAsSelect" ? commandId(st.sourceType.toLowerCase(), `\`${st.name}\``, "create") : commandId("stream", `\`${st.target}\``, "insert");
      await appendCommand(this.engine, id, { statement: st.text, streamsProperties: props });
    } catch (e) {
      if (replaced) {
        // Put the old query back as it ran: its offsets and state were kept.
        if (started) await this.stopQuery(plan.queryId, false).catch(() => undefined);
        if (stoppedOld) await this.startQuery(replaced.info, replaced.plan, this.metastore, replaced.props, false).catch(() => undefined);
      } else if (started) await this.stopQuery(plan.queryId, true).catch(() => undefined);
      else {
        this.live.delete(plan.queryId);
        await this.engine.broker.deleteGroup(plan.applicationId).catch(() => undefined);
      }
      if (createdTopic) await this.engine.broker.deleteTopic(plan.createTopic!.name).catch(() => undefined);
      throw e;
    }
    this.metastore.replaceWith(next);
    return { statement: info, message: plan.message, queryId: plan.queryId };
  }

  private async startQuery(info: QueryInfo, plan: PersistentQueryPlan, metastore: MetaStore, props: Record<string, string>, fresh: boolean): Promise<void> {
    const live: LiveQuery = { info, plan, props };
    this.live.set(info.id, live);
    const ctx = this.buildContext(info.id);
    const build = (b: StreamsBuilder) => {
      plan.build(b, { ...ctx, metastore, queryId: info.id });
    };
    // The select alone, planned once more on a throwaway builder: pull queries use its
    // description of the aggregate store.
    const selectOf = (): Query | undefined => {
      const parsed = parseStatements(info.statement).statements[0];
      return parsed && (parsed.kind === "CreateAsSelect" || parsed.kind === "InsertInto") ? parsed.query : undefined;
    };
    const query = selectOf();
    if (query) live.planned = planQuery(new StreamsBuilder(), query, { ...ctx, metastore, queryId: info.id }, { persistent: true, sinkName: info.sink });
    if (fresh && query) await presetOffsets(this.engine, plan.applicationId, query, metastore, props["auto.offset.reset"] === "earliest" ? "earliest" : "latest");
    const description = await this.engine.startBuiltApplication({ applicationId: plan.applicationId, build, config: streamsConfig(props) });
    if (description.state === "ERROR") {
      throw new KsqlException(`Query ${info.id} failed to start: ${description.failure?.message ?? "ERROR"}`);
    }
  }

  /** Stops a persistent query; `cleanUp` also deletes its internal topics and committed offsets. */
  private async stopQuery(queryId: string, cleanUp: boolean): Promise<void> {
    const live = this.live.get(queryId);
    this.live.delete(queryId);
    if (!live) return;
    const appId = live.plan.applicationId;
    if (this.engine.describeApplications().some((a) => a.applicationId === appId)) {
      await this.engine.stopBuiltApplication(appId);
      if (cleanUp) await this.cleanUp(appId);
    }
  }

  /**
   * What ksqlDB's query cleanup does for a stopped query: internal topics, committed
   * offsets and consumer group go. A group that has not settled yet (a rebalance still
   * waiting for group.initial.rebalance.delay.ms) keeps them until a later reset.
   */
  private async cleanUp(applicationId: string): Promise<void> {
    try {
      await this.engine.resetApplication(applicationId);
      await this.engine.broker.deleteGroup(applicationId);
    } catch (e) {
      if (!isKafkaError(e)) throw e;
      this.record({ queryId: applicationId, message: `Clean-up deferred: ${e.message}` });
    }
  }

  // ---- INSERT INTO ... VALUES ----

  private async insertValues(st: Extract<Statement, { kind: "InsertValues" }>, info: StatementInfo): Promise<SqlStatementResult> {
    const ds = this.metastore.getSource(st.target);
    if (!ds) throw new KsqlException(`Cannot insert values into an unknown stream/table: ${st.target}`, st.targetLoc);
    const record = buildInsert(st, ds, this.evalFor("INSERT_VALUES"), this.engine.now());
    await this.engine.produce(ds.topic, [{ key: record.key, value: record.value, timestamp: record.timestamp }]);
    await this.engine.settle();
    return { statement: info };
  }

  // ---- push and pull queries ----

  private async push(query: Query, info: StatementInfo, mode: "finish" | "keep"): Promise<SqlStatementResult> {
    const id = `transient_${query.from.name}_${++this.transientCount}`;
    const applicationId = `_confluent-ksql-${KSQL_SERVICE_ID}transient_${id}`;
    const reset = (this.session.get("auto.offset.reset") ?? "latest") === "earliest" ? "earliest" : "latest";
    const ctx: PlanContext = { ...this.buildContext(id), metastore: this.metastore.copy(), queryId: id };
    let planned: PlannedQuery;
    try {
      const b = new StreamsBuilder();
      planned = planQuery(b, query, ctx, { persistent: false, offsetReset: reset });
      planned.resultStream();
      b.build();
    } catch (e) {
      if (e instanceof KsqlException) throw e;
      throw new KsqlException(e instanceof Error ? e.message : String(e));
    }
    const columns = planned.projection.columns.map((c) => ({ name: c.name, type: describeType(c.column.type) }));
    const handle = new PushQuery(id, applicationId, columns, query.limit, (q) => this.stopPush(q));
    const build = (b: StreamsBuilder) => {
      const p = planQuery(b, query, ctx, { persistent: false, offsetReset: reset });
      p.resultStream().foreach((_k, v) => handle.deliver(v as Row));
    };
    this.pushQueries.set(id, handle);
    try {
      await presetOffsets(this.engine, applicationId, query, ctx.metastore, reset);
      await this.engine.startBuiltApplication({ applicationId, build, config: { "auto.offset.reset": "earliest" } });
    } catch (e) {
      this.pushQueries.delete(id);
      handle.finish("ERROR");
      throw e;
    }
    if (mode === "keep") return { statement: info, push: handle, queryId: id };
    handle.finish(handle.state() === "RUNNING" ? "DONE" : handle.state());
    await this.stopPush(handle);
    const rows = handle.rows();
    const table: ResultTable = { columns, rows: rows.map((r) => columns.map((c) => r[c.name] ?? null)) };
    return { statement: info, queryId: id, table, text: renderTable(columns.map((c) => c.name), table.rows.map((r) => r.map(cellText))) };
  }

  private async stopPush(q: PushQuery): Promise<void> {
    if (q.stopped) return;
    q.stopped = true;
    this.pushQueries.delete(q.id);
    if (!this.engine.describeApplications().some((a) => a.applicationId === q.applicationId)) return;
    await this.engine.stopBuiltApplication(q.applicationId);
    await this.cleanUp(q.applicationId);
  }

  /** Stops the applications of push queries that ended (LIMIT reached) since the last call. */
  async reapPushQueries(): Promise<void> {
    for (const q of [...this.pushQueries.values()]) if (q.needsStop()) await this.stopPush(q);
  }

  /** A push query started with `push: "keep"`, until it ends and its application is stopped. */
  pushQuery(id: string): PushQuery | undefined {
    return this.pushQueries.get(id);
  }

  /** Push queries still running (the workbench's grids). */
  runningPushQueries(): PushQuery[] {
    return [...this.pushQueries.values()].filter((q) => q.state() === "RUNNING");
  }

  private async pull(query: Query, info: StatementInfo): Promise<SqlStatementResult> {
    const ds = this.metastore.getSource(query.from.name);
    if (!ds) throw new KsqlException(`${query.from.name} does not exist.`, query.from.loc);
    const plan = planPull(query, ds, query.from.alias ?? ds.name);
    const rows = await this.currentRows(ds);
    const table = answerPull(plan, rows, this.evalFor("PULL"));
    return { statement: info, table, text: renderTable(table.columns.map((c) => c.name), table.rows.map((r) => r.map(cellText))) };
  }

  /** A table's rows from the store of the aggregation that materializes it, else from its topic. */
  private async currentRows(ds: DataSource): Promise<Row[]> {
    const live = ds.createdByQuery ? this.live.get(ds.createdByQuery) : undefined;
    const m = live?.planned?.materialization;
    if (ds.type === "TABLE" && live && m) {
      const stores = this.engine.applicationStores(live.plan.applicationId, m.storeName);
      if (stores.length > 0) return rowsFromStores(stores, m);
    }
    return rowsFromTopic(ds, await this.engine.readAll(ds.topic));
  }

  // ---- DROP, TERMINATE ----

  private async drop(st: Extract<Statement, { kind: "DropSource" }>, info: StatementInfo): Promise<SqlStatementResult> {
    const ds = this.metastore.getSource(st.name);
    const word = st.sourceType === "STREAM" ? "Stream" : "Table";
    if (!ds) {
      if (st.ifExists) return { statement: info, message: `Source ${st.name} does not exist.` };
      throw new KsqlException(`${word} ${st.name} does not exist.`, st.nameLoc);
    }
    if (ds.type !== st.sourceType) {
      throw new KsqlException(`Incompatible data source type is ${ds.type.toLowerCase()}, but statement was DROP ${st.sourceType.toLowerCase()}`, st.nameLoc);
    }
    if (ds.isSource && st.deleteTopic) throw new KsqlException(`Cannot delete topic for read-only source: ${st.name}`, st.nameLoc);
    // As ksqlDB: INSERT INTO queries must be terminated first; streams and tables created
    // by a query over this source must be dropped first (their query goes with them).
    const inserts = (qs: readonly QueryInfo[]) => qs.filter((q) => q.kind === "INSERT").map((q) => q.id).sort();
    const readers = inserts(this.metastore.readersOf(st.name));
    const writers = inserts(this.metastore.writersOf(st.name));
    if (readers.length > 0 || writers.length > 0) {
      throw new KsqlException(
        `Cannot drop ${st.name}.\nThe following queries read from this source: [${readers.join(", ")}].\nThe following queries write into this source: [${writers.join(", ")}].\nYou need to terminate them before dropping ${st.name}.`,
        st.nameLoc,
      );
    }
    const dependents = [...new Set(this.metastore.readersOf(st.name).filter((q) => q.kind !== "INSERT").map((q) => q.sink))].sort();
    if (dependents.length > 0) {
      throw new KsqlException(`Cannot drop ${st.name}.\nThe following streams and/or tables read from this source: [${dependents.join(", ")}].\nYou need to drop them before dropping ${st.name}.`, st.nameLoc);
    }
    if (ds.createdByQuery) {
      await this.stopQuery(ds.createdByQuery, true);
      this.metastore.deleteQuery(ds.createdByQuery);
    }
    if (st.deleteTopic && this.engine.hasTopic(ds.topic)) await this.engine.broker.deleteTopic(ds.topic);
    await appendCommand(this.engine, commandId(st.sourceType.toLowerCase(), `\`${st.name}\``, "drop"), { statement: st.text, streamsProperties: this.sessionProperties() });
    this.metastore.deleteSource(st.name);
    return { statement: info, message: `Source ${st.name} (topic: ${ds.topic}) was dropped.` };
  }

  private async terminate(st: Extract<Statement, { kind: "Terminate" }>, info: StatementInfo): Promise<SqlStatementResult> {
    const ids = st.all ? this.metastore.allQueries().map((q) => q.id) : [st.queryId!];
    for (const id of ids) {
      const q = this.metastore.getQuery(id) ?? this.metastore.allQueries().find((x) => x.id.toUpperCase() === id.toUpperCase());
      if (!q) {
        const push = this.pushQueries.get(id);
        if (push) {
          await push.cancel();
          continue;
        }
        throw new KsqlException(`Unknown queryId: ${id}`);
      }
      await this.stopQuery(q.id, true);
      this.metastore.deleteQuery(q.id);
      await appendCommand(this.engine, commandId("terminate", q.id, "execute"), { statement: `TERMINATE ${q.id}`, streamsProperties: {} });
    }
    return { statement: info, message: "Query terminated." };
  }

  // =====================================================================================
  // Replay

  /** Rebuilds the metastore from the command topic, then starts the queries that survived. */
  private async replay(): Promise<void> {
    const commands = await readCommands(this.engine);
    if (commands.length === 0) return;
    const plans = new Map<string, { info: QueryInfo; plan: PersistentQueryPlan; props: Record<string, string> }>();
    for (const c of commands) this.replayOne(c, plans);
    for (const { info, plan, props } of plans.values()) {
      if (!this.metastore.getQuery(info.id)) continue;
      await this.startQuery(info, plan, this.metastore.copy(), props, false);
    }
  }

  private replayOne(c: StoredCommand, plans: Map<string, { info: QueryInfo; plan: PersistentQueryPlan; props: Record<string, string> }>): void {
    let st: Statement | undefined;
    try {
      st = parseStatements(c.statement).statements[0];
    } catch {
      return;
    }
    if (!st) return;
    const topics = this.topics();
    switch (st.kind) {
      case "CreateSource": {
        // The topic exists already (or was dropped later in the log): plan as if it did.
        const plan = planCreateSource(st, this.metastore, { partitionCount: (t) => topics.partitionCount(t) ?? 1 });
        if (plan.source) this.metastore.putSource(plan.source);
        break;
      }
      case "CreateAsSelect":
      case "InsertInto": {
        const ctx = this.buildContext(`REPLAY_${c.offset}`);
        const plan = st.kind === "CreateAsSelect" ? planCreateAsSelect(st, this.metastore, topics, ctx, c.offset) : planInsertInto(st, this.metastore, ctx, c.offset);
        if ("noop" in plan) break;
        if (st.kind === "CreateAsSelect") this.metastore.putSource(plan.sink);
        const info: QueryInfo = { id: plan.queryId, kind: plan.kind, statement: st.text, sink: plan.sink.name, sinkTopic: plan.sink.topic, sources: plan.sources, applicationId: plan.applicationId };
        this.metastore.putQuery(info);
        plans.set(info.id, { info, plan, props: c.streamsProperties });
        break;
      }
      case "DropSource": {
        const ds = this.metastore.getSource(st.name);
        if (ds?.createdByQuery) this.metastore.deleteQuery(ds.createdByQuery);
        this.metastore.deleteSource(st.name);
        break;
      }
      case "Terminate":
        if (st.queryId) this.metastore.deleteQuery(st.queryId);
        break;
      default:
        break;
    }
  }

  // =====================================================================================
  // For the workbench's editor

  /** Streams and tables with their columns, and the function names, for completion. */
  completions(): { sources: { name: string; type: "STREAM" | "TABLE"; topic: string; columns: { name: string; type: string; key: boolean }[] }[]; functions: string[] } {
    return {
      sources: this.metastore.allSources().map((s) => ({
        name: s.name,
        type: s.type,
        topic: s.topic,
        columns: [...s.schema.key.map((c) => ({ name: c.name, type: describeType(c.type), key: true })), ...s.schema.value.map((c) => ({ name: c.name, type: describeType(c.type), key: false }))],
      })),
      functions: [...builtinFunctions().names(), ...aggregateNames()].sort(),
    };
  }

  /** The persistent queries with their application state. */
  queries(): { id: string; statement: string; sink: string; sources: string[]; applicationId: string; state: string }[] {
    return this.metastore.allQueries().map((q) => ({ id: q.id, statement: q.statement, sink: q.sink, sources: [...q.sources], applicationId: q.applicationId, state: queryStatus(this, q.id) }));
  }
}

/** `steps[0].sql statement 2 (CREATE STREAM big_orders …): 1:8: unexpected 'SELEKT', expected …` without the path. */
export function describeSqlError(error: SqlStatementError): string {
  return `statement ${error.statement.index} (${firstWords(error.statement.text)}): ${error.line}:${error.column}: ${error.message}`;
}
