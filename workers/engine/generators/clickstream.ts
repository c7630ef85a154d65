/**
 * Clickstream: page views and clicks of users in sessions, keyed by user id. A user keeps
 * a session for a while, then starts a new one, so sessionized windows have gaps to find.
 */
import type { Random } from "../../runtime/random";
import { pick, pickWeighted, type GeneratedRecord, type RecordSource } from "./generated-record";

const PAGES = ["/", "/search", "/product/42", "/product/7", "/product/19", "/cart", "/checkout", "/help"] as const;
const ACTIONS = ["view", "click", "add_to_cart", "checkout"] as const;
const ACTION_WEIGHTS = [60, 30, 8, 2];
const REFERRERS = ["direct", "search", "newsletter", "social"] as const;

interface UserState {
  session: number;
  left: number;
}

export class ClickstreamSource implements RecordSource {
  private readonly users = new Map<string, UserState>();
  private sessions = 0;

  constructor(
    private readonly topic: string,
    private readonly userCount = 25,
  ) {}

  next(eventTime: number, random: Random): GeneratedRecord[] {
    const userId = `user-${String(1 + random.int(this.userCount)).padStart(2, "0")}`;
    let state = this.users.get(userId);
    if (!state || state.left <= 0) {
      state = { session: ++this.sessions, left: 3 + random.int(15) };
      this.users.set(userId, state);
    }
    state.left--;
    const value = {
      userId,
      sessionId: `s-${state.session}`,
      page: pick(PAGES, random),
      action: pickWeighted(ACTIONS, ACTION_WEIGHTS, random),
      referrer: pick(REFERRERS, random),
    };
    return [{ topic: this.topic, key: userId, value, timestamp: eventTime }];
  }
}
