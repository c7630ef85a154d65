import { describe, expect, it } from "vitest";
import { compileMarkers, runtimeMarker } from "./diagnostics";

describe("editor markers", () => {
  it("reads the engine's compile errors, continuation lines included", () => {
    const message = [
      "doubler:3:52: Property 'missing' does not exist on type '{ n: number; }'.",
      "doubler:7:1: Type 'string' is not assignable to type 'number'.",
      "  The expected type comes from property 'n'.",
    ].join("\n");
    expect(compileMarkers("doubler", message)).toEqual([
      { line: 3, column: 52, endLine: 3, endColumn: 53, message: "Property 'missing' does not exist on type '{ n: number; }'.", source: "compile" },
      { line: 7, column: 1, endLine: 7, endColumn: 2, message: "Type 'string' is not assignable to type 'number'.\nThe expected type comes from property 'n'.", source: "compile" },
    ]);
  });

  it("accepts a prefix before the position and ids with dots and dashes, and nothing else", () => {
    expect(compileMarkers("my.app-1", "INVALID_CONFIG: my.app-1:2:5: oops")).toEqual([{ line: 2, column: 5, endLine: 2, endColumn: 6, message: "oops", source: "compile" }]);
    expect(compileMarkers("a", "topic \"x\" does not exist")).toEqual([]);
    expect(compileMarkers("a", "ab:2:5: not this app")).toEqual([]);
  });

  it("puts a runtime failure at its mapped line with the record it was on", () => {
    expect(runtimeMarker({ message: "TypeError: x is undefined", line: 12, column: 9, topic: "clicks", partition: 2, offset: 41 })).toEqual({
      line: 12,
      column: 9,
      endLine: 12,
      endColumn: 10,
      message: "TypeError: x is undefined (while processing clicks-2 offset 41)",
      source: "runtime",
    });
    expect(runtimeMarker({ message: "timeout", topic: null, partition: -1, offset: -1 })).toBeNull();
  });
});
