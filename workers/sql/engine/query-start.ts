/**
 * Where a new query starts reading: its application's streams config and the offsets
 * committed for it before it starts (ksqlDB's auto.offset.reset for a new query).
 */
import type { Engine } from "../../engine/engine";
import type { Query } from "../ast";
import type { MetaStore } from "../metastore";

/** Session properties passed on to the applications of new queries. */
const STREAMS_PROPERTIES = new Set(["auto.offset.reset", "processing.guarantee", "commit.interval.ms"]);

/** The application's config: where to start is settled by {@link presetOffsets}, so partitions without a commit start at the beginning. */
export function streamsConfig(props: Record<string, string>): Record<string, string> {
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) if (STREAMS_PROPERTIES.has(k)) config[k] = v;
  config["auto.offset.reset"] = "earliest";
  return config;
}

/**
 * ksqlDB reads a new query's sources from auto.offset.reset (latest unless SET to
 * earliest), except the tables of a join, which it always reads from the beginning so
 * that lookups find their rows. The streams runtime has one reset policy per
 * application, so "latest" is done by committing the sources' current ends for the new
 * query's group before it starts; the rest then starts from the beginning.
 */
export async function presetOffsets(engine: Engine, applicationId: string, query: Query, metastore: MetaStore, reset: "earliest" | "latest"): Promise<void> {
  if (reset === "earliest") return;
  const joined = query.joins.length > 0;
  const names = [query.from.name, ...query.joins.map((j) => j.source.name)];
  const topics = new Set<string>();
  for (const name of names) {
    const ds = metastore.getSource(name);
    if (!ds || (joined && ds.type === "TABLE")) continue;
    topics.add(ds.topic);
  }
  const broker = engine.broker;
  const offsets: Record<string, { offset: number }> = {};
  for (const t of topics) {
    if (!broker.hasTopic(t)) continue;
    for (let p = 0; p < broker.partitionCount(t); p++) offsets[`${t}-${p}`] = { offset: broker.partition(t, p).highWatermark };
  }
  if (Object.keys(offsets).length === 0) return;
  await broker.groups.commitOffsets({ groupId: applicationId, memberId: "", generationId: -1, offsets });
  await broker.offsetCommitsSettled();
}
