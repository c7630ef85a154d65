import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { useBrokerStore } from "../state/broker-store";
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

void useBrokerStore
  .getState()
  .connect()
  .then((client) => {
    if (client) installDebugHandle(client);
  });
