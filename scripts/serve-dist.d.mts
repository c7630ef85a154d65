import type { Server } from "node:http";

export declare const MIME_TYPES: Readonly<Record<string, string>>;
export declare function contentType(path: string): string;
export declare function serveDirectory(options?: { dir?: string; host?: string; port?: number }): Promise<{
  server: Server;
  url: string;
  port: number;
}>;
