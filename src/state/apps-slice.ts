/**
 * The stream applications: their descriptions (state, topology, tasks, stats, failure),
 * polled about once a second and at once when one changes state, and the editor's verbs.
 * Start and restart answer with the compile errors instead of a banner: the editor puts
 * them on the lines they are about.
 */
import type { StateCreator } from "zustand";
import { isKafkaError } from "../engine-client/broker-client";
import type { ApplicationView, RestartRequest, StartApplicationInput } from "../engine-client/workbench-types";
import { brokerClient, describeError } from "./broker-slice";
import type { Store } from "./store";

export type AppActionResult = { ok: true; app: ApplicationView } | { ok: false; message: string };

export interface AppsSlice {
  applications: ApplicationView[];
  appsLoaded: boolean;
  selectedApp: string | null;
  /** An application call under way (start, stop…), by id. */
  appBusy: string | null;

  selectApp(applicationId: string): void;
  refreshApps(): Promise<void>;
  startApplication(input: StartApplicationInput): Promise<AppActionResult>;
  restartApplication(req: RestartRequest): Promise<AppActionResult>;
  stopApplication(applicationId: string): Promise<AppActionResult>;
  resetApplication(applicationId: string): Promise<boolean>;
}

export const createAppsSlice: StateCreator<Store, [], [], AppsSlice> = (set, get) => {
  async function run(applicationId: string, work: () => Promise<ApplicationView>): Promise<AppActionResult> {
    const client = brokerClient();
    if (!client) return { ok: false, message: "the broker is not running" };
    set({ appBusy: applicationId });
    try {
      const app = await work();
      set({ selectedApp: app.applicationId });
      return { ok: true, app };
    } catch (e) {
      return { ok: false, message: isKafkaError(e) ? e.message : describeError(e) };
    } finally {
      set({ appBusy: null });
      await get().refreshApps();
    }
  }

  return {
    applications: [],
    appsLoaded: false,
    selectedApp: null,
    appBusy: null,

    selectApp(applicationId) {
      set({ selectedApp: applicationId });
    },

    async refreshApps() {
      const client = brokerClient();
      if (!client || get().connection !== "ready") return;
      try {
        const applications = await client.api.describeApplications();
        let selectedApp = get().selectedApp;
        if (selectedApp === null || !applications.some((a) => a.applicationId === selectedApp)) selectedApp = applications[0]?.applicationId ?? null;
        set({ applications, appsLoaded: true, selectedApp });
      } catch {
        // A poll racing a reset; the next one sees the new engine.
      }
    },

    startApplication(input) {
      return run(input.applicationId, () => brokerClient()!.api.startApplication(input));
    },
    restartApplication(req) {
      return run(req.applicationId, () => brokerClient()!.api.restartApplication(req));
    },
    stopApplication(applicationId) {
      return run(applicationId, () => brokerClient()!.api.stopApplication(applicationId));
    },
    async resetApplication(applicationId) {
      const client = brokerClient();
      if (!client) return false;
      try {
        await client.api.resetApplication(applicationId);
        return true;
      } catch (e) {
        set({ actionError: describeError(e) });
        return false;
      } finally {
        await get().refreshApps();
      }
    },
  };
};
