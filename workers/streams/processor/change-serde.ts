import { readVarint, sizeOfVarint, writeVarint } from "../../log/varint";
import { Change } from "../change";
import { StreamsException } from "../errors";
import type { Serde } from "../serdes";

/**
 * How a KTable update crosses a repartition topic (`ChangedSerializer`): the serialized
 * value followed by a flag byte: `{old}{0}` for a retraction, `{new}{1}` for an addition,
 * `{varint newLength}{new}{old}{2}` when both travel in one record (same group key).
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    name: `Change<${inner.name}>`,
    serialize(topic, data) {
      if (data === null) return null;
      const newBytes = data.newValue === null ? null : inner.serialize(topic, data.newValue);
      const oldBytes = data.oldValue === null ? null : inner.serialize(topic, data.oldValue);
      if (newBytes && oldBytes) {
        const out = new Uint8Array(sizeOfVarint(newBytes.length) + newBytes.length + oldBytes.length + 1);
        let pos = writeVarint(out, 0, newBytes.length);
        out.set(newBytes, pos);
        pos += newBytes.length;
        out.set(oldBytes, pos);
        out[out.length - 1] = 2;
        return out;
      }
      const one = newBytes ?? oldBytes;
      if (!one) throw new StreamsException("Both old and new values are null in ChangeSerializer, which is not allowed.");
      const out = new Uint8Array(one.length + 1);
      out.set(one, 0);
      out[one.length] = newBytes ? 1 : 0;
      return out;
    },
    deserialize(topic, data) {
      if (data === null || data.length === 0) return null as unknown as Change<V>;
      const flag = data[data.length - 1];
      const body = data.subarray(0, data.length - 1);
      if (flag === 0) return new Change<V>(null, inner.deserialize(topic, body));
      if (flag === 1) return new Change<V>(inner.deserialize(topic, body), null);
      if (flag === 2) {
        const cursor = { pos: 0 };
        const newLength = readVarint(body, cursor);
        const newBytes = body.subarray(cursor.pos, cursor.pos + newLength);
        const oldBytes = body.subarray(cursor.pos + newLength);
        return new Change<V>(inner.deserialize(topic, newBytes), inner.deserialize(topic, oldBytes));
      }
      throw new StreamsException(`Invalid encoding flag ${String(flag)} in a serialized Change on topic ${topic}`);
    },
  };
}
