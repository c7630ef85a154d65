import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findJsonSyntaxError } from "./json-syntax";

const where = (text: string) => {
  const e = findJsonSyntaxError(text);
  return e === undefined ? undefined : `${e.line}:${e.column} ${e.message}`;
};

describe("finding the first JSON syntax error", () => {
  it("accepts valid JSON", () => {
    for (const text of ['{"a":[1,-2.5e3,true,false,null,"x\\n\\u00e9"]}', " 17 ", '""', "[]", "{}", '{ "a" : { } }\n']) {
      expect(where(text)).toBeUndefined();
    }
  });

  it("locates mistakes by line and column", () => {
    expect(where('{\n  "version": 1,\n  "steps": [,]\n}')).toBe('3:13 unexpected ",", expected a value');
    expect(where('{\n  "version": 1\n  "steps": []\n}')).toBe(`3:3 unexpected "\\"", expected ',' or '}'`);
    expect(where('{"a": 1,}')).toBe("1:9 unexpected \"}\", expected a property name in double quotes");
    expect(where("{a: 1}")).toBe('1:2 unexpected "a", expected a property name in double quotes');
    expect(where('{"a" 1}')).toBe("1:6 unexpected \"1\", expected ':'");
    expect(where("[1 2]")).toBe("1:4 unexpected \"2\", expected ',' or ']'");
    expect(where('{"version": 1,')).toBe("1:15 unexpected end of input, expected a property name in double quotes");
    expect(where("")).toBe("1:1 unexpected end of input, expected a value");
    expect(where("[1] x")).toBe('1:5 unexpected "x", expected the end of input after the JSON value');
    expect(where('"abc')).toBe("1:5 unexpected end of input, expected the closing '\"' of the string");
    expect(where('"a\\qb"')).toBe("1:3 invalid escape in a string");
    expect(where('"\\u12g4"')).toBe("1:2 invalid \\u escape in a string");
    expect(where('"a\tb"')).toBe("1:3 unescaped control character in a string");
    expect(where("[01]")).toBe("1:3 unexpected \"1\", expected ',' or ']'");
    expect(where("[-]")).toBe('1:2 unexpected "-", expected a value');
    expect(where("[tru]")).toBe('1:2 unexpected "t", expected a value');
    expect(where("{\r\n'a': 1}")).toBe("2:1 unexpected \"'\", expected a property name in double quotes");
  });

  it("agrees with JSON.parse on what is valid", () => {
    const mutated = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom("", ",", "}", "]", "{", '"', ":", "x", "-", ".", "\\", "\n", "0"))
      .map(([text, at, insert]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + insert + text.slice(i);
      });
    fc.assert(
      fc.property(fc.oneof(fc.json(), mutated, fc.string()), (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(valid);
      }),
      { seed: 20240611, numRuns: 2000 },
    );
  });
});
