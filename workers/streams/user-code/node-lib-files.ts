// The Node half of the lib-text seam: reads the lib files from the installed typescript
// package. The browser half (browser-lib-files.ts) bundles the same files as raw strings.
// eslint-disable-next-line no-restricted-imports -- this module exists to read files in Node
import { readFileSync } from "node:fs";
// eslint-disable-next-line no-restricted-imports -- resolves the typescript package's folder
import { createRequire } from "node:module";
import { ES2022_LIB_FILE_NAMES, type LibFiles } from "./lib-files";

let cached: LibFiles | undefined;

/** The ES2022 lib texts from node_modules/typescript/lib, read once per process. */
export function nodeLibFiles(): LibFiles {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const files = new Map<string, string>();
  for (const name of ES2022_LIB_FILE_NAMES) {
    files.set(name, readFileSync(require.resolve(`typescript/lib/${name}`), "utf8"));
  }
  cached = files;
  return files;
}
