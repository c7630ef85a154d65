/**
 * What planning a query needs from its surroundings: the metastore, the broker's partition
 * counts (for co-partitioning checks), and, for the running topology, the evaluation
 * context of expressions and the processing log that bad records are reported to.
 */
import type { EvalContext, FunctionRegistry } from "../functions/registry";
import type { MetaStore } from "../metastore";

/** One entry of ksqlDB's processing log: a record a query could not process. */
export interface ProcessingLogEntry {
  /** The query (or "transient") it happened in. */
  queryId: string;
  message: string;
  topic?: string;
  partition?: number;
  offset?: number;
}

export interface PlanContext {
  metastore: MetaStore;
  /** Partition count of a topic on the broker, undefined when it does not exist. */
  partitionCount(topic: string): number | undefined;
  /** Expressions evaluate with this (engine clock, seeded random, error reporting). */
  evalContext: EvalContext;
  /** Records that are skipped (cannot be read, null group-by key, bad timestamp). */
  processingLog(entry: ProcessingLogEntry): void;
  queryId: string;
  /** Query-level properties (`ksql.functions.collect_list.limit`, ...). */
  config?: Readonly<Record<string, unknown>>;
  functions?: FunctionRegistry;
  /** False when the query never reads ROWPARTITION or ROWOFFSET: the source step then skips them. */
  readsOffsets?: boolean;
}
