/** Every built-in scalar function, in one registry. */
import * as collections from "./collections";
import * as datetime from "./datetime";
import * as json from "./json";
import * as math from "./math";
import * as nulls from "./nulls";
import { FunctionRegistry, scalar, type ScalarFunction } from "./registry";
import * as strings from "./string";

/**
 * AS_VALUE copies a key column into the value; for evaluation it is the identity (the
 * planner reads it to keep the column out of the key).
 */
export const AS_VALUE = scalar("AS_VALUE", "Copies a key column into the row's value.", {
  params: ["ANY"],
  returns: (args) => args[0] ?? { base: "STRING" },
  impl: ([v]) => v,
});

function functionsOf(module: Record<string, unknown>): ScalarFunction[] {
  return Object.values(module).filter(
    (v): v is ScalarFunction => typeof v === "object" && v !== null && "overloads" in v && "name" in v,
  );
}

export function builtinFunctions(): FunctionRegistry {
  return new FunctionRegistry().register(
    ...functionsOf(strings),
    ...functionsOf(math),
    ...functionsOf(nulls),
    ...functionsOf(collections),
    ...functionsOf(json),
    ...functionsOf(datetime),
    AS_VALUE,
  );
}
