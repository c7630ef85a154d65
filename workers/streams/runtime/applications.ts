/**
 * The stream applications of one engine: start, stop, change and restart them live, reset
 * them (the application reset tool, or their input offsets alone), and drive every running
 * one to quiescence when the engine settles. One instance per application id.
 */
import { OrderingDetector } from "../../engine/ordering-detector";
import { KafkaError } from "../../protocol/errors";
import { isInternalTopicOf, resetApplication, resetInputOffsets, type ResetReport } from "./app-reset";
import {
  StreamsApplication,
  type ApplicationDescription,
  type ApplicationEvent,
  type ApplicationHostDeps,
  type ApplicationSpec,
} from "./application-host";

export interface RestartRequest {
  applicationId: string;
  /** A changed topology; absent = the same source. */
  source?: string;
  /** A changed config; absent = the same config. */
  config?: ApplicationSpec["config"];
  /** Reset first: the committed input offsets go back to the beginning (what else goes, wipeState says). */
  reset?: boolean;
  /**
   * Whether the application's state goes with a reset (default: it does).
   *
   * - `reset` and `wipeState` (or wipeState left out): Kafka's application reset tool. Input
   *   offsets to the beginning, internal topics (repartition and changelog) deleted, stores
   *   empty: the input is processed again from nothing, and a count starts from zero.
   * - `reset` with `wipeState: false`: only the committed input offsets are reset, as
   *   `kafka-consumer-groups --reset-offsets --to-earliest` does. The changelogs stay, the
   *   stores are restored from them, and reprocessing adds on top of the old state: every
   *   record is counted twice.
   * - no `reset`: stores live in the processing runtime's memory and every restart rebuilds
   *   them from the changelogs, so wiping them changes nothing, as in Kafka, where wiping the
   *   local state directory (KafkaStreams.cleanUp()) only makes the restore read the whole
   *   changelog again.
   */
  wipeState?: boolean;
}

export interface ApplicationsDeps extends Omit<ApplicationHostDeps, "emit"> {
  emit?: (applicationId: string, event: ApplicationEvent) => void;
}

/** Passes without progress end a drive; a topology that feeds itself stops after this many. */
const MAX_ROUNDS = 1000;

interface Watch {
  nodes: readonly string[];
  ordering: OrderingDetector | undefined;
}

interface Entry {
  spec: ApplicationSpec;
  instance: StreamsApplication;
  /** Stopped on purpose (stop) rather than by the engine going down. */
  stopped: boolean;
  lastReset?: ResetReport;
}

export class StreamsApplications {
  private readonly apps = new Map<string, Entry>();
  /** What the workbench watches per application id; every new instance of the application gets it. */
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly deps: ApplicationsDeps) {}

  private make(spec: ApplicationSpec): StreamsApplication {
    const { emit, ...deps } = this.deps;
    const instance = new StreamsApplication(spec, { ...deps, ...(emit ? { emit: (e: ApplicationEvent) => emit(spec.applicationId, e) } : {}) });
    const watch = this.watches.get(spec.applicationId);
    if (watch) {
      instance.watchNodes(watch.nodes);
      instance.watchOrdering(watch.ordering);
    }
    return instance;
  }

  /**
   * The workbench watches an application (it may not be started yet): `nodes` are the
   * processors whose received records come as node-record events, `ordering` turns the
   * per-key ordering check on or off (off forgets what it saw). Fields left out stay.
   */
  watch(applicationId: string, what: { nodes?: readonly string[]; ordering?: boolean }): void {
    const current = this.watches.get(applicationId) ?? { nodes: [], ordering: undefined };
    const next: Watch = {
      nodes: what.nodes ? [...what.nodes] : current.nodes,
      ordering: what.ordering === undefined ? current.ordering : what.ordering ? (current.ordering ?? new OrderingDetector()) : undefined,
    };
    if (next.nodes.length === 0 && !next.ordering) this.watches.delete(applicationId);
    else this.watches.set(applicationId, next);
    const instance = this.apps.get(applicationId)?.instance;
    instance?.watchNodes(next.nodes);
    instance?.watchOrdering(next.ordering);
  }

  /** Starts an application; one already running under that id is an error (stop it first). */
  async start(spec: ApplicationSpec): Promise<ApplicationDescription> {
    const existing = this.apps.get(spec.applicationId);
    if (existing && !existing.instance.describe().state.match(/^(NOT_RUNNING|ERROR)$/)) {
      throw new KafkaError("ILLEGAL_STATE", `streams application "${spec.applicationId}" is already ${existing.instance.state}; stop it or restart it`);
    }
    const instance = this.make(spec);
    await instance.start();
    this.apps.set(spec.applicationId, { spec, instance, stopped: false });
    return instance.describe();
  }

  async stop(applicationId: string): Promise<ApplicationDescription> {
    const entry = this.entry(applicationId, "stop");
    entry.stopped = true;
    await entry.instance.stop();
    return entry.instance.describe();
  }

  /**
   * Stops the application (if it runs), optionally resets it, and starts a new instance with
   * the same or a changed topology and config, from the committed offsets.
   */
  async restart(req: RestartRequest): Promise<ApplicationDescription> {
    const existing = this.apps.get(req.applicationId);
    // Unknown applications can be "restarted" with a source: a deployment after a reset, say.
    const entry = existing ?? (req.source === undefined ? this.entry(req.applicationId, "restart") : undefined);
    if (entry) await entry.instance.stop();
    const config = req.config ?? entry?.spec.config;
    const spec: ApplicationSpec = {
      applicationId: req.applicationId,
      source: req.source ?? entry!.spec.source,
      ...(config !== undefined ? { config } : {}),
    };
    let lastReset: ResetReport | undefined;
    if (req.reset) lastReset = await this.reset(req.applicationId, { wipeState: req.wipeState ?? true });
    const instance = this.make(spec);
    await instance.start();
    this.apps.set(req.applicationId, { spec, instance, stopped: false, ...(lastReset ? { lastReset } : {}) });
    return instance.describe();
  }

  /**
   * Resets an application that is not running: by default the application reset tool (state
   * wiped); with `wipeState: false` only its input offsets (see RestartRequest.wipeState).
   */
  async reset(applicationId: string, options: { wipeState?: boolean } = {}): Promise<ResetReport> {
    const entry = this.apps.get(applicationId);
    if (entry && !entry.instance.describe().state.match(/^(NOT_RUNNING|ERROR)$/)) {
      throw new KafkaError("ILLEGAL_STATE", `reset of streams application "${applicationId}": it is ${entry.instance.state}; stop it first`);
    }
    // Reading from the beginning again is the point of a reset, not a replay to report.
    this.watches.get(applicationId)?.ordering?.clear();
    const inputs = entry?.instance.topology?.externalSourceTopics ?? [];
    const broker = this.deps.broker();
    const report = options.wipeState === false ? await resetInputOffsets(broker, applicationId, inputs) : await resetApplication(broker, applicationId, inputs);
    for (const t of report.deletedTopics) if (isInternalTopicOf(applicationId, t)) this.deps.keyFormats.forget(t);
    return report;
  }

  describe(): ApplicationDescription[] {
    return [...this.apps.values()].map((e) => e.instance.describe()).sort((a, b) => (a.applicationId < b.applicationId ? -1 : a.applicationId > b.applicationId ? 1 : 0));
  }

  get(applicationId: string): StreamsApplication | undefined {
    return this.apps.get(applicationId)?.instance;
  }

  private running(): StreamsApplication[] {
    return [...this.apps.values()].map((e) => e.instance).filter((a) => a.state === "RUNNING" || a.state === "REBALANCING");
  }

  /**
   * Runs passes over every running application until a whole pass moves nothing; then,
   * when `commit` is set, commits (which under exactly_once_v2 makes the results visible
   * to read_committed readers, possibly other applications) and goes on until a commit
   * brings nothing new either.
   */
  async drive(commit: boolean): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      let progressed = false;
      for (const app of this.running()) if (await app.runOnce()) progressed = true;
      if (progressed) continue;
      if (!commit) return;
      let committed = false;
      for (const app of this.running()) if (await app.commitIfDirty()) committed = true;
      if (!committed) return;
    }
  }

  /** The engine goes down: every instance dies without committing. */
  killAll(): void {
    for (const e of this.apps.values()) e.instance.kill();
  }

  /** After an engine restart: new instances of the applications that were running, from their committed offsets. */
  async resumeAll(): Promise<void> {
    for (const [id, e] of [...this.apps]) {
      if (e.stopped) continue;
      const instance = this.make(e.spec);
      this.apps.set(id, { ...e, instance });
      await instance.start();
    }
  }

  /** Engine shutdown. */
  async closeAll(): Promise<void> {
    for (const e of this.apps.values()) e.instance.kill();
  }

  private entry(applicationId: string, verb: string): Entry {
    const entry = this.apps.get(applicationId);
    if (!entry) {
      const known = [...this.apps.keys()].sort();
      throw new KafkaError("INVALID_REQUEST", `${verb}: no streams application "${applicationId}" (${known.length === 0 ? "none is started" : `started: ${known.join(", ")}`})`);
    }
    return entry;
  }
}
