/**
 * The engine's time for components that draw with it (countdowns, timelines), brought up
 * to date at most every `intervalMs` of wall time. The clock changes with every engine
 * update, up to once a frame; a panel of SVG or a list of cards re-rendered that often
 * costs frames, while ten steps a second still read as motion.
 */
import { useEffect, useState } from "react";
import { useStore } from "./store";

export function useEngineNow(intervalMs = 100): number {
  const [now, setNow] = useState(() => useStore.getState().clock?.now ?? 0);
  useEffect(() => {
    let shownAt = -Infinity;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const show = () => {
      timer = undefined;
      shownAt = performance.now();
      setNow(useStore.getState().clock?.now ?? 0);
    };
    const off = useStore.subscribe((s, prev) => {
      if (s.clock?.now === prev.clock?.now || timer !== undefined) return;
      const wait = intervalMs - (performance.now() - shownAt);
      // Paused or stepped: every change shows at once.
      if (wait <= 0 || !s.clock?.playing) show();
      else timer = setTimeout(show, wait);
    });
    show();
    return () => {
      off();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [intervalMs]);
  return now;
}
