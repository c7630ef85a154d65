import type { BrowserContext, Page } from "playwright-core";

export declare const NO_CHROMIUM_MESSAGE: string;
export declare const CHROMIUM_ARGS: readonly string[];
export declare function findChromium(env?: NodeJS.ProcessEnv): string | null;
export declare function explainMissingChromium(env?: NodeJS.ProcessEnv): string;
export declare function requireChromium(env?: NodeJS.ProcessEnv): string;

export interface LaunchOptions {
  env?: NodeJS.ProcessEnv;
  headless?: boolean;
  args?: string[];
  viewport?: { width: number; height: number };
}

export interface LaunchedChromium {
  context: BrowserContext;
  profile: string;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export declare function launchChromium(options?: LaunchOptions): Promise<LaunchedChromium>;
