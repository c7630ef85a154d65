/**
 * When a partition row's offset numbers flash. A number that changed flashes once (UI-BRIEF:
 * every number that changes animates its change briefly); a number that changes all the
 * time, as a log end does at thousands of records a second, would flash without end, tell
 * nothing, and cost a style recalculation and a repaint of every row on every frame. So a
 * change flashes only after the number stood still for {@link QUIET_MS}.
 */
export const QUIET_MS = 1000;

export interface FlashState {
  value: number;
  /** Key of the element showing the number: a new key remounts it, restarting the flash. */
  key: string;
  flashing: boolean;
  changedAt: number;
}

export function nextFlash(prev: FlashState | undefined, value: number, now: number): FlashState {
  if (!prev) return { value, key: "still", flashing: false, changedAt: -Infinity };
  if (prev.value === value) return prev;
  if (now - prev.changedAt >= QUIET_MS) return { value, key: `changed-${value}`, flashing: true, changedAt: now };
  return { value, key: "still", flashing: false, changedAt: now };
}
