import { useState } from "react";
import { useStore } from "../state/store";
import { CreateTopicDialog } from "../views/topics/create-topic-dialog";
import { TopicConfigDialog } from "../views/topics/topic-config-dialog";
import { Modal } from "./modal";
import { SHORTCUTS } from "./shortcuts";

function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts-dialog">
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.keys}>
              <th scope="row">
                <kbd>{s.keys}</kbd>
              </th>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

function ResetDialog({ onClose }: { onClose: () => void }) {
  const resetWorkspace = useStore((s) => s.resetWorkspace);
  const [busy, setBusy] = useState(false);
  return (
    <Modal title="Reset the workspace?" onClose={onClose} testId="reset-dialog">
      <p>Every topic, its segment files and the clock's stored time are deleted from this browser. Generators stop. This cannot be undone.</p>
      <div className="modal-actions">
        <button type="button" onClick={onClose}>
          Keep everything
        </button>
        <button
          type="button"
          className="danger"
          data-testid="reset-confirm"
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void resetWorkspace().finally(onClose);
          }}
        >
          Delete everything and start empty
        </button>
      </div>
    </Modal>
  );
}

export function Dialogs() {
  const dialog = useStore((s) => s.dialog);
  const openDialog = useStore((s) => s.openDialog);
  const close = () => openDialog(null);
  switch (dialog) {
    case "shortcuts":
      return <ShortcutsDialog onClose={close} />;
    case "reset":
      return <ResetDialog onClose={close} />;
    case "create-topic":
      return <CreateTopicDialog onClose={close} />;
    case "topic-config":
      return <TopicConfigDialog onClose={close} />;
    default:
      return null;
  }
}
