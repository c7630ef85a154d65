import { useStore } from "../state/store";
import { formatClock, formatDate, formatSpeed } from "./format";
import { DiskIcon, MoonIcon, PauseIcon, PlayIcon, StepIcon, SunIcon } from "./icons";
import { SPEED_LADDER, SPEED_PRESETS } from "./speeds";

/** One step of the step button: a tenth of a second of engine time, enough to see one generator tick. */
export const STEP_MS = 100;

function StorageIndicator() {
  const kind = useStore((s) => s.storageKind);
  const connection = useStore((s) => s.connection);
  const persistent = kind === "opfs" || kind === "node-fs";
  const label = connection !== "ready" ? "storage: —" : persistent ? "saved locally" : "in memory only";
  const title =
    connection !== "ready"
      ? "The broker is not running in this tab"
      : persistent
        ? "Topics and segments are stored in this browser's private file system (OPFS): they survive a reload and a restart"
        : "This workspace lives in memory: a reload loses it";
  return (
    <span className={persistent ? "storage-indicator persistent" : "storage-indicator"} data-testid="storage-indicator" data-kind={kind ?? ""} title={title}>
      <DiskIcon /> {label}
    </span>
  );
}

/** The engine's time: the only part of the bar that changes with every update. */
function ClockReadout() {
  const clock = useStore((s) => s.clock);
  const playing = clock?.playing ?? false;
  return (
    <div className="clock" title={clock ? `Engine time: ${new Date(clock.now).toISOString()}` : "The engine's clock"}>
      <span className="clock-date num">{clock ? formatDate(clock.now) : ""}</span>
      <span className="clock-time num" data-testid="clock" data-now={clock?.now ?? ""}>
        {clock ? formatClock(clock.now) : "--:--:--.---"}
      </span>
      <span className={playing ? "clock-state playing" : "clock-state"}>{clock ? (playing ? "playing" : "paused") : ""}</span>
    </div>
  );
}

export function TopBar() {
  const playing = useStore((s) => s.clock?.playing ?? false);
  const speed = useStore((s) => s.clock?.speed ?? 1);
  const ready = useStore((s) => s.connection === "ready");
  const play = useStore((s) => s.play);
  const pause = useStore((s) => s.pause);
  const step = useStore((s) => s.step);
  const setSpeed = useStore((s) => s.setSpeed);
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  const openDialog = useStore((s) => s.openDialog);
  const presentation = useStore((s) => s.presentation);
  const togglePresentation = useStore((s) => s.togglePresentation);
  const ladderIndex = SPEED_LADDER.findIndex((s) => Math.abs(s - speed) < 1e-9);

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
        <button type="button" className="icon-button" data-testid="clock-step" disabled={!ready} title={`Step: move engine time forward by ${STEP_MS} ms (.)`} onClick={() => void step(STEP_MS)}>
          <StepIcon />
          Step
        </button>
        <div className="speeds" role="radiogroup" aria-label="Speed">
          {SPEED_PRESETS.map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={Math.abs(speed - s) < 1e-9}
              className={Math.abs(speed - s) < 1e-9 ? "speed active" : "speed"}
              data-testid={`speed-${s}`}
              disabled={!ready}
              onClick={() => void setSpeed(s)}
            >
              {s}×
            </button>
          ))}
        </div>
        <label className="speed-slider" title="Speed of engine time against the wall clock ([ and ])">
          <span className="visually-hidden">Speed</span>
          <input
            type="range"
            min={0}
            max={SPEED_LADDER.length - 1}
            step={1}
            value={ladderIndex < 0 ? 3 : ladderIndex}
            disabled={!ready}
            data-testid="speed-slider"
            aria-valuetext={formatSpeed(speed)}
            onChange={(e) => void setSpeed(SPEED_LADDER[Number(e.target.value)] ?? 1)}
          />
          <span className="num speed-value" data-testid="speed-value">
            {formatSpeed(speed)}
          </span>
        </label>
      </div>
      <ClockReadout />
      <div className="top-actions">
        <StorageIndicator />
        <button type="button" data-testid="reset-workspace" disabled={!ready} onClick={() => openDialog("reset")} title="Delete every topic and start an empty workspace" aria-label="Reset workspace">
          Reset
        </button>
        <button type="button" className="icon-button" aria-pressed={presentation} onClick={togglePresentation} title="Presentation mode: everything 1.4× larger (p)">
          Present
        </button>
        <button type="button" className="icon-button" data-testid="shortcuts-open" onClick={() => openDialog("shortcuts")} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">
          ?
        </button>
        <button
          type="button"
          className="icon-button"
          data-testid="theme-toggle"
          aria-label={theme === "dark" ? "Switch to the light theme" : "Switch to the dark theme"}
          title={theme === "dark" ? "Light theme" : "Dark theme"}
          onClick={() => setTheme(theme === "dark" ? "light" : "dark")}
        >
          {theme === "dark" ? <SunIcon /> : <MoonIcon />}
        </button>
      </div>
    </header>
  );
}
