import { describe, expect, it } from "vitest";
import { isKafkaError } from "../protocol/errors";
import type { GroupState } from "./group-state";
import { assertValidTransition, GROUP_STATES, isValidTransition } from "./group-state";

const STATES: GroupState[] = ["Empty", "PreparingRebalance", "CompletingRebalance", "Stable", "Dead"];

/** Kafka's ClassicGroupState table: state -> states it may be entered from. */
const KAFKA_VALID_PREVIOUS: Record<GroupState, GroupState[]> = {
  Empty: ["PreparingRebalance"],
  PreparingRebalance: ["Stable", "CompletingRebalance", "Empty"],
  CompletingRebalance: ["PreparingRebalance"],
  Stable: ["CompletingRebalance"],
  Dead: ["Stable", "PreparingRebalance", "CompletingRebalance", "Empty", "Dead"],
};

describe("classic group states", () => {
  it("allow exactly Kafka's transitions", () => {
    for (const from of STATES) {
      for (const to of STATES) {
        expect(isValidTransition(from, to), `${from} -> ${to}`).toBe(KAFKA_VALID_PREVIOUS[to].includes(from));
      }
    }
  });

  it("document actions and exits for every state", () => {
    for (const s of STATES) {
      expect(GROUP_STATES[s].actions.length).toBeGreaterThan(0);
      expect(GROUP_STATES[s].meaning).not.toBe("");
    }
    expect(GROUP_STATES.Dead.transitions).toEqual([]);
  });

  it("reject an invalid transition with ILLEGAL_STATE naming the group and both states", () => {
    let error: unknown;
    try {
      assertValidTransition("g1", "Empty", "Stable");
    } catch (e) {
      error = e;
    }
    expect(isKafkaError(error, "ILLEGAL_STATE")).toBe(true);
    expect((error as Error).message).toBe(
      "ILLEGAL_STATE: group g1 cannot go from Empty to Stable; Stable can only be reached from CompletingRebalance",
    );
    expect(() => assertValidTransition("g1", "Stable", "PreparingRebalance")).not.toThrow();
    expect(() => assertValidTransition("g1", "Dead", "Empty")).toThrow(/Dead to Empty/);
  });
});
