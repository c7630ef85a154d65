/**
 * A {@link ClientTransport} across the worker seam. Structured clone keeps only an Error's
 * message, so the broker worker exposes `seamSafeTransport(new InProcessTransport(broker))`
 * (failures become `{ type, message }`) and the page wraps the Comlink remote with
 * `errorRebuildingTransport`, which turns them back into KafkaErrors with the same names:
 *
 *   // broker worker:   Comlink.expose(seamSafeTransport(new InProcessTransport(() => engine.broker)))
 *   // page:            const transport = errorRebuildingTransport(Comlink.wrap<ClientTransport>(port))
 *   //                  const kafka = new Kafka({ clientId, transport, scheduler })
 *
 * Every request and answer is plain data already (see client-transport.ts), so nothing
 * else needs converting.
 */
import { fromSeamError, toSeamError } from "../protocol/seam-error";
import { CLIENT_TRANSPORT_METHODS, type ClientTransport } from "./client-transport";

function mapMethods(target: ClientTransport, wrap: (call: () => Promise<unknown>) => Promise<unknown>): ClientTransport {
  const out: Record<string, unknown> = {};
  for (const name of CLIENT_TRANSPORT_METHODS) {
    out[name] = (...args: unknown[]) =>
      wrap(() => (target[name] as (...a: unknown[]) => Promise<unknown>).apply(target, args));
  }
  return out as unknown as ClientTransport;
}

/** What the worker exposes: every failure thrown as a plain `{ type, message }`. */
export function seamSafeTransport(transport: ClientTransport): ClientTransport {
  return mapMethods(transport, async (call) => {
    try {
      return await call();
    } catch (e) {
      throw toSeamError(e);
    }
  });
}

/** What the page uses: failures from the worker become KafkaErrors again. */
export function errorRebuildingTransport(remote: ClientTransport): ClientTransport {
  return mapMethods(remote, async (call) => {
    try {
      return await call();
    } catch (e) {
      throw fromSeamError(e);
    }
  });
}
