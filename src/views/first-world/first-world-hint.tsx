import { useEffect, useState } from "react";
import { onEngineFrame } from "../../state/engine-events";
import { brokerClient, useStore } from "../../state/store";

/** The workspace note the engine writes when it opens a new workspace on the first world. */
const HINT_NOTE = "hint:first-world";

/**
 * One line of what to try next, shown on a new workspace's small live world until it is
 * dismissed. It lives with the workspace: a reload keeps it, a reset removes it.
 */
export function FirstWorldHint() {
  const ready = useStore((s) => s.connection === "ready");
  const setView = useStore((s) => s.setView);
  const [hint, setHint] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => onEngineFrame((frame) => frame.restarted && setGeneration((g) => g + 1)), []);
  useEffect(() => {
    if (!ready) return;
    let cancelled = false;
    void brokerClient()
      ?.api.workspaceNotes()
      .then((notes) => {
        if (!cancelled) setHint(notes[HINT_NOTE] ?? null);
      })
      .catch(() => {});
    return () => {
      cancelled = true;
    };
  }, [ready, generation]);
  if (!hint) return null;
  return (
    <div className="banner first-world-hint" role="note" data-testid="first-world-hint">
      <span>{hint}</span>
      <button type="button" className="small" data-testid="first-world-try" onClick={() => setView("groups")}>
        Show me the group
      </button>
      <button
        type="button"
        className="link-button"
        data-testid="first-world-dismiss"
        onClick={() => {
          setHint(null);
          void brokerClient()?.api.saveWorkspaceNote(HINT_NOTE, null);
        }}
      >
        Dismiss
      </button>
    </div>
  );
}
