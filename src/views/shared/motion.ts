/**
 * Motion that follows the time controls (UI-BRIEF principle 2): an animation of an engine
 * event takes longer at 0.1× (slow enough to narrate), is quick at 100×, and stops when
 * the engine is paused. `prefers-reduced-motion` swaps motion for highlights: views then
 * get `reduced` and draw the end state at once, marking what changed.
 */
import { useSyncExternalStore } from "react";
import { useStore } from "../../state/store";

const QUERY = "(prefers-reduced-motion: reduce)";

function subscribe(callback: () => void): () => void {
  const media = window.matchMedia?.(QUERY);
  media?.addEventListener("change", callback);
  return () => media?.removeEventListener("change", callback);
}

function reducedNow(): boolean {
  return window.matchMedia?.(QUERY).matches ?? false;
}

export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, reducedNow, () => false);
}

/** The duration of an animation meant to take `baseMs` at 1×, at the current speed. */
export function motionDuration(baseMs: number, speed: number): number {
  const s = speed > 0 ? speed : 1;
  return Math.round(Math.min(baseMs * 6, Math.max(baseMs / 4, baseMs / Math.sqrt(s))));
}

export interface Motion {
  reduced: boolean;
  paused: boolean;
  /** Milliseconds for an animation of `baseMs` at 1×; 0 when motion is reduced. */
  duration(baseMs: number): number;
}

export function useMotion(): Motion {
  const reduced = usePrefersReducedMotion();
  const speed = useStore((s) => s.clock?.speed ?? 1);
  const paused = useStore((s) => !(s.clock?.playing ?? false));
  return { reduced, paused, duration: (base) => (reduced ? 0 : motionDuration(base, speed)) };
}
