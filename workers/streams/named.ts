import { IllegalArgumentException } from "./errors";

const MAX_NAME_LENGTH = 249;
const LEGAL = /^[a-zA-Z0-9._-]+$/;

/** Kafka's rule for user-given processor, store and internal topic names. */
export function validateName(name: string): string {
  if (name.length === 0) throw new IllegalArgumentException("Name is illegal, it can't be empty");
  if (name === "." || name === "..") throw new IllegalArgumentException("Name cannot be \".\" or \"..\"");
  if (name.length > MAX_NAME_LENGTH) {
    throw new IllegalArgumentException(`Name is illegal, it can't be longer than ${MAX_NAME_LENGTH} characters, name: ${name}`);
  }
  if (!LEGAL.test(name)) {
    throw new IllegalArgumentException(
      `Name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`,
    );
  }
  return name;
}

/** A name for one DSL operator's processor (`Named.as("my-filter")`). */
export class Named {
  protected constructor(readonly name: string | undefined) {}

  static as(name: string): Named {
    return new Named(validateName(name));
  }

  withName(name: string): Named {
    return new Named(validateName(name));
  }

  /** @internal */
  static empty(): Named {
    return new Named(undefined);
  }
}

/** Durations are plain milliseconds in this DSL; these helpers keep Kafka code readable. */
export const Duration = {
  ofMillis: (ms: number): number => ms,
  ofSeconds: (s: number): number => s * 1000,
  ofMinutes: (m: number): number => m * 60_000,
  ofHours: (h: number): number => h * 3_600_000,
  ofDays: (d: number): number => d * 86_400_000,
};
