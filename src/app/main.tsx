import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

const container = document.getElementById("root");
if (!container) throw new Error("index.html has no #root element to mount streamlab into");

createRoot(container).render(
  <StrictMode>
    <h1>streamlab</h1>
  </StrictMode>,
);
