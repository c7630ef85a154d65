/**
 * Path rules shared by every storage. OPFS only knows names inside directory handles, so a
 * path must split cleanly into names that are valid on every backend: no empty, "." or
 * ".." segments (which would also let a node-fs path escape its root), no backslash (a
 * separator on Windows, refused by OPFS) and no NUL. Checking once here keeps the three
 * implementations accepting exactly the same paths.
 */
import { KafkaError } from "../protocol/errors";

/** The names of a file path; throws for "" and for any malformed path. */
export function filePathNames(path: string): string[] {
  if (path === "") throw invalidPath(path, "a file path cannot be empty");
  return pathNames(path);
}

/** The names of a directory path; "" is the root and has no names. */
export function dirPathNames(dir: string): string[] {
  return dir === "" ? [] : pathNames(dir);
}

/** `names` joined back into a path ("" for the root). */
export function joinNames(names: readonly string[]): string {
  return names.join("/");
}

/** True when `path` is `dir` itself or lies somewhere below it ("" contains everything). */
export function isWithin(path: string, dir: string): boolean {
  return dir === "" || path === dir || path.startsWith(`${dir}/`);
}

function pathNames(path: string): string[] {
  const names = path.split("/");
  for (const name of names) {
    if (name === "" || name === "." || name === "..") {
      throw invalidPath(path, `the segment "${name}" is not a valid name (no leading, trailing or double "/", no "." or "..")`);
    }
    if (name.includes("\\") || name.includes("\0")) {
      throw invalidPath(path, `the name "${name}" contains a backslash or NUL`);
    }
  }
  return names;
}

function invalidPath(path: string, why: string): KafkaError {
  return new KafkaError("KAFKA_STORAGE_ERROR", `invalid storage path "${path}": ${why}`);
}
