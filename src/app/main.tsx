import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "@fontsource/ibm-plex-sans/latin-400.css";
import "@fontsource/ibm-plex-sans/latin-600.css";
import "@fontsource/ibm-plex-mono/latin-400.css";
import "@fontsource/ibm-plex-mono/latin-500.css";
import { useStore } from "../state/store";
import { App } from "./app";
import { installDebugHandle } from "./debug-handle";
import "./app.css";

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root element to mount streamlab into");

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

void useStore
  .getState()
  .connect()
  .then((client) => {
    if (client) installDebugHandle(client);
  });
