import { useEffect } from "react";
import { useBrokerStore } from "../state/broker-store";
import { PauseIcon, PlayIcon, StepIcon } from "./icons";

const SPEEDS = [0.1, 1, 10, 100];

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Virtual time as a wall clock reads: local time of day to the millisecond. */
export function formatClock(time: number): string {
  const d = new Date(time);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function formatDate(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export function TopBar() {
  const clock = useBrokerStore((s) => s.clock);
  const ready = useBrokerStore((s) => s.connection === "ready");
  const play = useBrokerStore((s) => s.play);
  const pause = useBrokerStore((s) => s.pause);
  const step = useBrokerStore((s) => s.step);
  const setSpeed = useBrokerStore((s) => s.setSpeed);
  const playing = clock?.playing ?? false;

  // Space plays and pauses, unless the user is typing or has a control focused.
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.key !== " " || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest("input, select, textarea, button, [contenteditable]")) return;
      const state = useBrokerStore.getState();
      if (state.connection !== "ready") return;
      event.preventDefault();
      void (state.clock?.playing ? state.pause() : state.play());
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <header className="top-bar" data-testid="app-header">
      <span className="brand">streamlab</span>
      <div className="time-controls" role="group" aria-label="Time controls">
        <button
          type="button"
          className="icon-button play-button"
          data-testid="clock-play"
          disabled={!ready}
          aria-pressed={playing}
          title={playing ? "Pause: the whole engine freezes (space)" : "Play at the chosen speed (space)"}
          onClick={() => void (playing ? pause() : play())}
        >
          {playing ? <PauseIcon /> : <PlayIcon />}
          {playing ? "Pause" : "Play"}
        </button>
        <button type="button" className="icon-button" data-testid="clock-step" disabled={!ready} title="Move time forward by one second" onClick={() => void step(1000)}>
          <StepIcon />
          +1 s
        </button>
        <div className="speeds" role="radiogroup" aria-label="Speed">
          {SPEEDS.map((speed) => (
            <button
              key={speed}
              type="button"
              role="radio"
              aria-checked={clock?.speed === speed}
              className={clock?.speed === speed ? "speed active" : "speed"}
              data-testid={`speed-${speed}`}
              disabled={!ready}
              onClick={() => void setSpeed(speed)}
            >
              {speed}×
            </button>
          ))}
        </div>
      </div>
      <div className="clock" title={clock ? `Engine time: ${new Date(clock.now).toISOString()}` : "The engine's clock"}>
        <span className="clock-date">{clock ? formatDate(clock.now) : ""}</span>
        <span className="clock-time" data-testid="clock" data-now={clock?.now ?? ""}>
          {clock ? formatClock(clock.now) : "--:--:--.---"}
        </span>
        <span className="clock-state">{clock ? (playing ? "playing" : "paused") : ""}</span>
      </div>
    </header>
  );
}
