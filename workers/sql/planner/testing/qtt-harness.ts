/**
 * Runs ksqlDB statements the way ksqlDB's query-validation tests do, without a broker:
 * CREATE statements fill a metastore, each persistent query runs in its own topology test
 * driver, records written to a topic are fed to every query reading it. Inputs and
 * outputs are given as ksqlDB's tests write them: keys as typed values, JSON values as
 * objects, DELIMITED and KAFKA values as their text.
 */
import { parseStatements } from "../../parse";
import { MetaStore, type DataSource } from "../../metastore";
import { evalContext } from "../../functions/registry";
import { VirtualClock } from "../../../runtime/clock";
import { SeededRandom } from "../../../runtime/random";
import { StreamsBuilder } from "../../../streams/streams-builder";
import { TopologyTestDriver } from "../../../streams/test-driver";
import { decodeJsonOrString } from "../../../streams/serdes";
import { planCreateSource } from "../../engine/create-source";
import { planCreateAsSelect, planInsertInto } from "../../engine/persistent-query";
import type { PlanContext, ProcessingLogEntry } from "../context";
import type { PlanStep } from "../execution-plan";
import { keySerde } from "../serdes";
import { physicalColumns } from "../source";

export interface QttInput {
  topic: string;
  key?: unknown;
  value: unknown;
  timestamp?: number;
  window?: { start: number; end: number };
}

export interface QttOutput {
  topic: string;
  key: unknown;
  value: unknown;
  timestamp: number;
  window?: { start: number; end: number };
}

const encoder = new TextEncoder();

export class QttHarness {
  readonly metastore = new MetaStore();
  readonly topics = new Map<string, number>();
  readonly processingLog: ProcessingLogEntry[] = [];
  private readonly drivers: { queryId: string; driver: TopologyTestDriver; reads: Set<string>; writes: string; plan: PlanStep }[] = [];
  private readonly outputs = new Map<string, QttOutput[]>();
  private offset = 0;

  constructor(topics: Record<string, number> = {}) {
    for (const [t, n] of Object.entries(topics)) this.topics.set(t, n);
  }

  private ctx(): Omit<PlanContext, "queryId" | "metastore"> {
    return {
      partitionCount: (t) => this.topics.get(t),
      evalContext: evalContext({ clock: new VirtualClock(0), random: new SeededRandom(1) }),
      processingLog: (e) => this.processingLog.push(e),
    };
  }

  /** Executes statements; returns each statement's message. Throws the first error. */
  execute(sql: string): string[] {
    const messages: string[] = [];
    for (const stmt of parseStatements(sql).statements) {
      const offset = this.offset++;
      if (stmt.kind === "CreateSource") {
        const plan = planCreateSource(stmt, this.metastore, { partitionCount: (t) => this.topics.get(t) });
        if (plan.createTopic) this.topics.set(plan.createTopic.name, plan.createTopic.partitions);
        if (plan.source) this.metastore.putSource(plan.source);
        messages.push(plan.message);
      } else if (stmt.kind === "CreateAsSelect" || stmt.kind === "InsertInto") {
        const plan =
          stmt.kind === "CreateAsSelect"
            ? planCreateAsSelect(stmt, this.metastore, { partitionCount: (t) => this.topics.get(t) }, this.ctx(), offset)
            : planInsertInto(stmt, this.metastore, this.ctx(), offset);
        if ("noop" in plan) {
          messages.push(plan.noop);
          continue;
        }
        if (plan.createTopic) this.topics.set(plan.createTopic.name, plan.createTopic.partitions);
        this.metastore.putSource(plan.sink);
        const builder = new StreamsBuilder();
        plan.build(builder, { ...this.ctx(), metastore: this.metastore, queryId: plan.queryId });
        const topology = builder.build();
        const driver = new TopologyTestDriver(topology, { applicationId: plan.applicationId });
        const reads = new Set(plan.sources.map((s) => this.metastore.getSource(s)!.topic));
        this.drivers.push({ queryId: plan.queryId, driver, reads, writes: plan.sink.topic, plan: plan.executionPlan });
        this.metastore.putQuery({ id: plan.queryId, kind: plan.kind, statement: stmt.text, sink: plan.sink.name, sinkTopic: plan.sink.topic, sources: plan.sources, applicationId: plan.applicationId });
        messages.push(plan.message);
      } else {
        throw new Error(`the harness does not run ${stmt.kind}`);
      }
    }
    return messages;
  }

  private sourceFor(topic: string): DataSource | undefined {
    return this.metastore.allSources().find((s) => s.topic === topic);
  }

  /** Pipes records in order; each is delivered to every query reading its topic. */
  input(...records: QttInput[]): void {
    for (const r of records) {
      const ds = this.sourceFor(r.topic);
      let key: Uint8Array | null = null;
      if (r.key !== undefined && r.key !== null) {
        if (ds && physicalColumns(ds).key.length > 0) {
          key = keySerde(physicalColumns(ds).key, ds.keyFormat).serialize(r.topic, r.key);
        } else {
          key = encoder.encode(typeof r.key === "string" ? r.key : JSON.stringify(r.key));
        }
        if (r.window && key) {
          const session = ds?.window?.type === "SESSION";
          const out = new Uint8Array(key.length + (session ? 16 : 8));
          out.set(key, 0);
          const view = new DataView(out.buffer);
          if (session) {
            view.setBigInt64(key.length, BigInt(r.window.end));
            view.setBigInt64(key.length + 8, BigInt(r.window.start));
          } else view.setBigInt64(key.length, BigInt(r.window.start));
          key = out;
        }
      }
      const value = r.value === null ? null : encoder.encode(typeof r.value === "string" ? r.value : JSON.stringify(r.value));
      this.deliver(r.topic, key, value, r.timestamp ?? 0);
    }
  }

  private deliver(topic: string, key: Uint8Array | null, value: Uint8Array | null, timestamp: number): void {
    for (const d of this.drivers) {
      if (!d.reads.has(topic)) continue;
      d.driver.pipe(topic, key, value, timestamp, []);
      for (const out of d.driver.takeRecords(d.writes, Number.MAX_SAFE_INTEGER)) {
        const sink = this.sourceFor(d.writes);
        const decodedKey = out.windowedKey ? out.windowedKey.key : sink && sink.schema.key.length > 0 && out.key ? keySerde(sink.schema.key, sink.keyFormat).deserialize(d.writes, out.key) : null;
        const printed: QttOutput = {
          topic: d.writes,
          key: decodedKey,
          value: out.value === null ? null : decodeJsonOrString(out.value),
          timestamp: out.timestamp,
          ...(out.windowedKey ? { window: { start: out.windowedKey.window.start, end: out.windowedKey.window.end } } : {}),
        };
        let list = this.outputs.get(d.writes);
        if (!list) this.outputs.set(d.writes, (list = []));
        list.push(printed);
        this.deliver(d.writes, out.key, out.value, out.timestamp);
      }
    }
  }

  output(topic: string): QttOutput[] {
    return this.outputs.get(topic) ?? [];
  }

  /** ksqlDB's execution plan of a query. */
  executionPlan(queryId: string): PlanStep | undefined {
    return this.drivers.find((d) => d.queryId === queryId)?.plan;
  }

  /** The topology of a query, as EXPLAIN shows it. */
  driverFor(queryId: string): TopologyTestDriver | undefined {
    return this.drivers.find((d) => d.queryId === queryId)?.driver;
  }
}
