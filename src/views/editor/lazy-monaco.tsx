import { lazy } from "react";
import { brokerClient } from "../../state/store";

/**
 * Monaco and its language services, fetched only when an editor first opens: the TypeScript
 * checker gets the "streamlab" declarations, SQL completion asks the engine's catalog.
 */
export const MonacoEditor = lazy(async () => {
  const [mod, declarations] = await Promise.all([import("./monaco-editor"), brokerClient()?.api.editorDeclarations() ?? Promise.resolve([])]);
  mod.configureTypeScript(declarations);
  mod.configureSql(async () => brokerClient()?.api.sqlCatalog());
  return mod;
});
