import { useEffect, useRef, type ReactNode } from "react";

/**
 * A dialog on the native <dialog> element: focus moves in and stays, Escape closes it,
 * and the page behind is inert, without a library.
 */
export function Modal({ title, onClose, children, testId, wide }: { title: string; onClose: () => void; children: ReactNode; testId: string; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? "modal wide" : "modal"}
      data-testid={testId}
      aria-labelledby={`${testId}-title`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      <header className="modal-header">
        <h2 id={`${testId}-title`}>{title}</h2>
        <button type="button" className="link-button" onClick={onClose} aria-label="Close dialog">
          Close
        </button>
      </header>
      <div className="modal-body">{children}</div>
    </dialog>
  );
}
