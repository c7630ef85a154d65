/**
 * The standard library a topology is type-checked against: TypeScript's ES2022 lib files,
 * by file name. The texts come from the typescript package, read from disk in Node
 * (`node-lib-files.ts`) and bundled as raw strings for the browser (`browser-lib-files.ts`);
 * the compiler itself only sees this map, so it runs unchanged on both.
 */
export type LibFiles = ReadonlyMap<string, string>;

/**
 * `lib.es2022.d.ts` and every lib it references, transitively, in dependency order. Both
 * loaders provide exactly these; a test recomputes the closure from the installed package.
 */
export const ES2022_LIB_FILE_NAMES: readonly string[] = [
  "decorators",
  "decorators.legacy",
  "es5",
  "es2015.core",
  "es2015.collection",
  "es2015.symbol",
  "es2015.iterable",
  "es2015.generator",
  "es2015.promise",
  "es2015.proxy",
  "es2015.reflect",
  "es2015.symbol.wellknown",
  "es2015",
  "es2016.array.include",
  "es2016.intl",
  "es2016",
  "es2017.arraybuffer",
  "es2017.date",
  "es2017.intl",
  "es2017.object",
  "es2017.sharedmemory",
  "es2017.string",
  "es2017.typedarrays",
  "es2017",
  "es2018.asynciterable",
  "es2018.asyncgenerator",
  "es2018.promise",
  "es2018.regexp",
  "es2018.intl",
  "es2018",
  "es2019.array",
  "es2019.object",
  "es2019.string",
  "es2019.symbol",
  "es2019.intl",
  "es2019",
  "es2020.intl",
  "es2020.bigint",
  "es2020.date",
  "es2020.number",
  "es2020.promise",
  "es2020.sharedmemory",
  "es2020.symbol.wellknown",
  "es2020.string",
  "es2020",
  "es2021.promise",
  "es2021.string",
  "es2021.weakref",
  "es2021.intl",
  "es2021",
  "es2022.array",
  "es2022.error",
  "es2022.intl",
  "es2022.object",
  "es2022.regexp",
  "es2022.string",
  "es2022",
].map((name) => `lib.${name}.d.ts`);

/**
 * The one host global a topology may use beyond the language: `console`, which the
 * application's worker forwards to the workbench's log. The ES libs do not declare it, and
 * the DOM or Node typings would offer far more than a topology can reach.
 */
export const USER_GLOBALS_FILE_NAME = "lib.streamlab-globals.d.ts";
export const USER_GLOBALS_TEXT = `interface Console {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
}
declare var console: Console;
`;
