/** The speed ladder `[` and `]` climb, from 0.1× (slow enough to narrate) to 100×. */
export const SPEED_LADDER = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100] as const;
export const SPEED_PRESETS = [0.1, 1, 10, 100] as const;

/** The next speed up (+1) or down (−1) the ladder from `speed`, which need not be on it. */
export function nextSpeed(speed: number, direction: 1 | -1): number {
  if (direction > 0) return SPEED_LADDER.find((s) => s > speed + 1e-9) ?? SPEED_LADDER[SPEED_LADDER.length - 1]!;
  return [...SPEED_LADDER].reverse().find((s) => s < speed - 1e-9) ?? SPEED_LADDER[0]!;
}
