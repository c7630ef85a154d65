import { describe, expect, it } from "vitest";
import type { HeartbeatRequest, HeartbeatResponse, JoinGroupResponse } from "../groups/group-protocol";
import type { ClientTransport } from "./client-transport";
import { TransportCoordinator } from "./transport-coordinator";

/** A transport whose heartbeat and join answers the test releases by hand. */
function fakeTransport() {
  const heartbeats: { request: HeartbeatRequest; answer: (r: HeartbeatResponse) => void }[] = [];
  const joins: ((r: JoinGroupResponse) => void)[] = [];
  const transport = {
    heartbeat: (request: HeartbeatRequest) => new Promise<HeartbeatResponse>((answer) => heartbeats.push({ request, answer })),
    joinGroup: () => new Promise<JoinGroupResponse>((answer) => joins.push(answer)),
  } as unknown as ClientTransport;
  return { transport, heartbeats, joins };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe("TransportCoordinator", () => {
  it("answers a heartbeat 'no news' at once and replays an error answer to the member that is still in that generation", async () => {
    const { transport, heartbeats } = fakeTransport();
    const c = new TransportCoordinator(transport, { onError: (e) => { throw e; } });
    const member = { memberId: "m1", generationId: 3 };
    const taken: (HeartbeatResponse | undefined)[] = [];
    c.heartbeatNow = () => taken.push(c.heartbeat({ groupId: "g", ...member }));
    expect(c.heartbeat({ groupId: "g", ...member })).toEqual({ error: null });
    heartbeats[0]!.answer({ error: "REBALANCE_IN_PROGRESS" });
    await flush();
    expect(taken).toEqual([{ error: "REBALANCE_IN_PROGRESS" }]);
    // The replay sends nothing new.
    expect(heartbeats).toHaveLength(1);
  });

  it("drops an error answer when the member moved on to another generation", async () => {
    const { transport, heartbeats } = fakeTransport();
    const c = new TransportCoordinator(transport, { onError: (e) => { throw e; } });
    const member = { memberId: "m1", generationId: 3 };
    c.heartbeat({ groupId: "g", ...member });
    member.generationId = 4;
    const taken: HeartbeatResponse[] = [];
    c.heartbeatNow = () => taken.push(c.heartbeat({ groupId: "g", ...member }));
    heartbeats[0]!.answer({ error: "ILLEGAL_GENERATION" });
    await flush();
    // Generation 4 does not take generation 3's answer: it sends a heartbeat of its own.
    expect(taken).toEqual([{ error: null }]);
    expect(heartbeats.map((h) => h.request.generationId)).toEqual([3, 4]);
  });

  it("holds join answers while held, and delivers them on release", async () => {
    const { transport, joins } = fakeTransport();
    const seen: string[] = [];
    const c = new TransportCoordinator(transport, { onError: (e) => { throw e; }, joined: () => seen.push("joined") });
    c.joinGroup(
      { groupId: "g", memberId: "m", sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, protocolType: "consumer", protocols: [] },
      (r) => seen.push(`answer ${r.generationId}`),
    );
    const release = c.hold();
    joins[0]!({ error: null, memberId: "m", generationId: 1, protocolType: "consumer", protocolName: "range", leader: "x", skipAssignment: false, members: [] });
    await flush();
    expect(seen).toEqual([]);
    release();
    expect(seen).toEqual(["joined", "answer 1"]);
  });
});
