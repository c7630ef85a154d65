/**
 * Kafka configs inside a scenario (a topic's `config`, a client's `config`), checked with the
 * engine's own config resolvers so a scenario is refused for exactly what the engine would
 * refuse, at the JSON path of the offending key.
 */
import type { RawConfig } from "../../workers/protocol/config-def";
import { isKafkaError } from "../../workers/protocol/errors";
import { childPath } from "./scenario-error";
import { configObject, fail, optional, type JsonObject } from "./scenario-json";
import type { ScenarioConfig } from "./scenario-types";

/**
 * Runs a config resolver and rewrites its KafkaError as a ScenarioError at `path`. When
 * the failure is about one key alone (the same error comes back for that key by itself),
 * the path names that key; a conflict between keys is reported at the config object.
 */
export function checkConfig(path: string, config: RawConfig, resolve: (config: RawConfig) => unknown): void {
  const failure = resolveError(config, resolve);
  if (failure === undefined) return;
  for (const [key, value] of Object.entries(config)) {
    if (resolveError({ [key]: value }, resolve) === failure) fail(childPath(path, key), failure);
  }
  fail(path, failure);
}

/** The message of the KafkaError `resolve` throws for `config`; undefined when it accepts the config. */
export function resolveError(config: RawConfig, resolve: (config: RawConfig) => unknown): string | undefined {
  try {
    resolve(config);
    return undefined;
  } catch (e) {
    if (isKafkaError(e)) return e.message;
    throw e;
  }
}

/**
 * A client's `config`, checked with the id the step gives it (`group.id` for a consumer,
 * `application.id` for a streams application); the config may repeat that id, not change it.
 */
export function readClientConfig(
  obj: JsonObject,
  path: string,
  id: { key: string; field: string; value: string },
  resolve: (config: RawConfig) => unknown,
): ScenarioConfig | undefined {
  const config = optional(obj, "config", path, configObject);
  if (config === undefined) return undefined;
  const configPath = childPath(path, "config");
  const given = config[id.key];
  if (given !== undefined && given !== id.value) {
    fail(childPath(configPath, id.key), `differs from "${id.field}" (${JSON.stringify(id.value)}); leave it out`);
  }
  checkConfig(configPath, config, (c) => resolve({ [id.key]: id.value, ...c }));
  return config;
}
