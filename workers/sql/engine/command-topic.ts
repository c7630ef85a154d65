/**
 * ksqlDB's command topic: every statement that changes the metastore (CREATE, DROP,
 * TERMINATE, INSERT INTO ... SELECT) is appended, in order, to a single-partition topic
 * kept forever. A new engine on the same storage replays it to rebuild its streams,
 * tables and queries; a query's id carries the offset of its command, so replaying gives
 * every query back its id (and so its consumer group and internal topics).
 */
import type { Engine } from "../../engine/engine";
import { decodeJson } from "../../client/json-serde";

export const COMMAND_TOPIC = "_confluent-ksql-default__command_topic";

const encoder = new TextEncoder();

export interface Command {
  statement: string;
  /** Session properties in force when the statement ran (auto.offset.reset, ...). */
  streamsProperties: Record<string, string>;
}

export interface StoredCommand extends Command {
  offset: number;
}

/** ksqlDB's CommandId: `stream/\`NAME\`/create`, `terminate/CSAS_X_1/execute`, ... */
export function commandId(type: string, entity: string, action: string): string {
  return `${type}/${entity}/${action}`;
}

export async function ensureCommandTopic(engine: Engine): Promise<void> {
  if (engine.hasTopic(COMMAND_TOPIC)) return;
  await engine.createTopic({ name: COMMAND_TOPIC, partitions: 1, config: { "cleanup.policy": "delete", "retention.ms": -1 } });
}

/** The offset the next command will get. */
export function nextCommandOffset(engine: Engine): number {
  if (!engine.hasTopic(COMMAND_TOPIC)) return 0;
  return engine.broker.partition(COMMAND_TOPIC, 0).highWatermark;
}

export async function appendCommand(engine: Engine, id: string, command: Command): Promise<void> {
  await ensureCommandTopic(engine);
  await engine.produce(COMMAND_TOPIC, [{ key: encoder.encode(id), value: encoder.encode(JSON.stringify(command)), partition: 0 }], { acks: "all" });
}

export async function readCommands(engine: Engine): Promise<StoredCommand[]> {
  if (!engine.hasTopic(COMMAND_TOPIC)) return [];
  const out: StoredCommand[] = [];
  for (const r of await engine.readAll(COMMAND_TOPIC)) {
    const v = decodeJson(r.value) as Partial<Command> | null;
    if (!v || typeof v.statement !== "string") continue;
    out.push({ offset: r.offset, statement: v.statement, streamsProperties: v.streamsProperties ?? {} });
  }
  return out;
}
