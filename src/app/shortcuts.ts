/**
 * The workbench's keyboard: space plays and pauses, `.` or → steps, `[` and `]` change
 * speed, 1–4 switch views, `/` searches messages, `?` lists the keys. Keys typed into a
 * field stay in the field.
 */
import { useEffect } from "react";
import { useStore, MAIN_VIEWS } from "../state/store";
import { nextSpeed } from "./speeds";
import { STEP_MS } from "./top-bar";

export const SHORTCUTS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: "Space", what: "Play / pause the whole engine" },
  { keys: ". or →", what: `Step engine time by ${STEP_MS} ms` },
  { keys: "[ and ]", what: "Slower / faster (0.1× … 100×)" },
  { keys: `1 – ${MAIN_VIEWS.length}`, what: MAIN_VIEWS.map((v) => v.label).join(" · ") },
  { keys: "/", what: "Search messages" },
  { keys: "+ and −", what: "Zoom the tape in and out" },
  { keys: "0", what: "Fit the whole log on the tape" },
  { keys: "f", what: "Follow the log end" },
  { keys: "n", what: "New topic" },
  { keys: "g", what: "Produce drawer" },
  { keys: "t", what: "Light / dark theme" },
  { keys: "p", what: "Presentation mode (1.4× larger)" },
  { keys: "Esc", what: "Close dialog, clear selection" },
  { keys: "?", what: "This list" },
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el?.closest("input, select, textarea, [contenteditable]");
}

export function useShortcuts(): void {
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const s = useStore.getState();
      if (event.key === "Escape") {
        if (s.dialog === null && s.selection) s.select(null);
        return;
      }
      if (typing(event.target) || s.dialog !== null) return;
      const ready = s.connection === "ready";
      switch (event.key) {
        case " ":
          // A focused button takes space as a click, except the time controls': there
          // space always plays and pauses, so a presenter can press it after choosing a speed.
          if ((event.target as HTMLElement | null)?.closest("button, [role=radio], summary") && !(event.target as HTMLElement).closest(".time-controls")) return;
          if (!ready || event.repeat) return;
          void (s.clock?.playing ? s.pause() : s.play());
          break;
        case ".":
        case "ArrowRight":
          if (!ready) return;
          void s.step(STEP_MS);
          break;
        case "[":
        case "]":
          if (!ready || !s.clock) return;
          {
            // Shown at once, so a second press climbs from the new speed, not the old one.
            const speed = nextSpeed(s.clock.speed, event.key === "]" ? 1 : -1);
            useStore.setState({ clock: { ...s.clock, speed } });
            void s.setSpeed(speed);
          }
          break;
        case "1":
        case "2":
        case "3":
        case "4":
        case "5":
        case "6":
        case "7":
        case "8":
        case "9": {
          const v = MAIN_VIEWS[Number(event.key) - 1];
          if (!v) return;
          s.setView(v.id);
          break;
        }
        case "/":
          s.setView("messages");
          setTimeout(() => document.querySelector<HTMLInputElement>("[data-testid=filter-value]")?.focus(), 0);
          break;
        case "?":
          s.openDialog("shortcuts");
          break;
        case "n":
          if (ready) s.openDialog("create-topic");
          break;
        case "g":
          s.openDrawer(s.drawer ? null : "produce");
          break;
        case "t":
          s.setTheme(s.theme === "dark" ? "light" : "dark");
          break;
        case "p":
          s.togglePresentation();
          break;
        default:
          return;
      }
      event.preventDefault();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
