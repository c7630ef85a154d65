/**
 * Prints an expression back as SQL, the way ksqlDB's ExpressionFormatter does in error
 * messages and EXPLAIN: binary operations parenthesised, names backquoted when they would
 * not read back unquoted, strings in single quotes.
 */
import type { Expression } from "../ast";
import { formatType, quoteIfNeeded } from "../types";

const COMPARISON_WORDS: Record<string, string> = {
  "=": "=",
  "<>": "<>",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
  "IS DISTINCT FROM": "IS DISTINCT FROM",
  "IS NOT DISTINCT FROM": "IS NOT DISTINCT FROM",
};

export function formatExpression(e: Expression): string {
  switch (e.kind) {
    case "NullLiteral":
      return "null";
    case "BooleanLiteral":
      return e.value ? "true" : "false";
    case "IntegerLiteral":
      return String(e.value);
    case "BigintLiteral":
      return e.text;
    case "DecimalLiteral":
      return e.text;
    case "DoubleLiteral":
      return String(e.value).includes("e") ? String(e.value).toUpperCase() : String(e.value);
    case "StringLiteral":
      return `'${e.value.replace(/'/g, "''")}'`;
    case "ColumnRef":
      return (e.source ? quoteIfNeeded(e.source) + "." : "") + quoteIfNeeded(e.name);
    case "Dereference":
      return `${formatExpression(e.base)}->${quoteIfNeeded(e.field)}`;
    case "Subscript":
      return `${formatExpression(e.base)}[${formatExpression(e.index)}]`;
    case "FunctionCall":
      return `${e.name}(${e.star ? "*" : e.args.map(formatExpression).join(", ")})`;
    case "TimeUnitArgument":
      return e.unit;
    case "Arithmetic":
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case "UnaryArithmetic":
      return `${e.sign}${formatExpression(e.operand)}`;
    case "Comparison":
      return `(${formatExpression(e.left)} ${COMPARISON_WORDS[e.op]} ${formatExpression(e.right)})`;
    case "Logical":
      return `(${formatExpression(e.left)} ${e.op} ${formatExpression(e.right)})`;
    case "Not":
      return `(NOT ${formatExpression(e.operand)})`;
    case "Between":
      return `(${formatExpression(e.value)}${e.negated ? " NOT" : ""} BETWEEN ${formatExpression(e.low)} AND ${formatExpression(e.high)})`;
    case "InList":
      return `(${formatExpression(e.value)}${e.negated ? " NOT" : ""} IN (${e.list.map(formatExpression).join(", ")}))`;
    case "Like":
      return `(${formatExpression(e.value)}${e.negated ? " NOT" : ""} LIKE ${formatExpression(e.pattern)}${e.escape !== undefined ? ` ESCAPE '${e.escape}'` : ""})`;
    case "IsNull":
      return `(${formatExpression(e.value)} IS ${e.negated ? "NOT " : ""}NULL)`;
    case "SearchedCase":
      return `(CASE ${e.whens.map((w) => `WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`).join(" ")}${e.else ? ` ELSE ${formatExpression(e.else)}` : ""} END)`;
    case "SimpleCase":
      return `(CASE ${formatExpression(e.operand)} ${e.whens.map((w) => `WHEN ${formatExpression(w.when)} THEN ${formatExpression(w.then)}`).join(" ")}${e.else ? ` ELSE ${formatExpression(e.else)}` : ""} END)`;
    case "Cast":
      return `CAST(${formatExpression(e.value)} AS ${formatType(e.type)})`;
    case "ArrayConstructor":
      return `ARRAY[${e.elements.map(formatExpression).join(", ")}]`;
    case "MapConstructor":
      return `MAP(${e.entries.map((x) => `${formatExpression(x.key)}:=${formatExpression(x.value)}`).join(", ")})`;
    case "StructConstructor":
      return `STRUCT(${e.fields.map((f) => `${quoteIfNeeded(f.name)}:=${formatExpression(f.value)}`).join(", ")})`;
  }
}
