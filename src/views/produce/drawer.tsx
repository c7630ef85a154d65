import { useStore, type DrawerTab } from "../../state/store";
import { ConsolePanel } from "../console/console-panel";
import { EditorPanel } from "../editor/editor-panel";
import { GeneratorsPanel } from "./generators-panel";
import { ImportPanel } from "./import-panel";
import { ProduceForm } from "./produce-form";

const TABS: ReadonlyArray<{ id: DrawerTab; label: string }> = [
  { id: "editor", label: "Editor" },
  { id: "produce", label: "Produce" },
  { id: "generators", label: "Generators" },
  { id: "import", label: "Import file" },
  { id: "console", label: "Console" },
];

/** The drawer under the workbench: producing by hand, generators, importing a file. */
export function Drawer() {
  const drawer = useStore((s) => s.drawer);
  const openDrawer = useStore((s) => s.openDrawer);
  return (
    <section className={drawer ? "drawer open" : "drawer"} aria-label="Produce drawer" data-testid="drawer">
      <div className="drawer-tabs">
        <div role="tablist" aria-label="Drawer" className="tabs">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={drawer === t.id}
            data-testid={`drawer-tab-${t.id}`}
            className={drawer === t.id ? "tab active" : "tab"}
            onClick={() => openDrawer(drawer === t.id ? null : t.id)}
          >
            {t.label}
          </button>
        ))}
        </div>
        <span className="spacer" />
        {drawer && (
          <button type="button" className="link-button" data-testid="drawer-close" onClick={() => openDrawer(null)}>
            Hide
          </button>
        )}
      </div>
      {drawer && (
        <div className="drawer-body" role="tabpanel">
          {drawer === "produce" && <ProduceForm />}
          {drawer === "generators" && <GeneratorsPanel />}
          {drawer === "import" && <ImportPanel />}
          {drawer === "editor" && <EditorPanel />}
          {drawer === "console" && <ConsolePanel />}
        </div>
      )}
    </section>
  );
}
