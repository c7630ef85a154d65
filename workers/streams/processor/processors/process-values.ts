import type { Record } from "../../record";
import {
  supplierGet,
  supplierStores,
  type Processor,
  type ProcessorContext,
  type ProcessorSupplier,
  type ProcessorSupplierObject,
} from "../processor-context";

/**
 * processValues(): runs a user processor whose output keeps the input record's key (Kafka
 * enforces it with FixedKeyRecord; here every forward is re-keyed with the input key).
 */
export function fixedKeySupplier<K, V, VOut>(supplier: ProcessorSupplier<K, V, K, VOut>): ProcessorSupplierObject<K, V, K, VOut> {
  return {
    get: () => {
      const inner = supplierGet(supplier);
      let currentKey: K | undefined;
      const processor: Processor<K, V, K, VOut> = {
        init(ctx: ProcessorContext<K, VOut>) {
          const keyed = Object.create(ctx) as ProcessorContext<K, VOut>;
          keyed.forward = <KF extends K, VF extends VOut>(record: Record<KF, VF>, childName?: string) =>
            ctx.forward(record.withKey(currentKey as KF), childName);
          inner.init?.(keyed);
        },
        process(record: Record<K, V>) {
          currentKey = record.key();
          inner.process(record);
        },
        close() {
          inner.close?.();
        },
      };
      return processor;
    },
    stores: () => supplierStores(supplier as ProcessorSupplier<never, never, never, never>),
  };
}
