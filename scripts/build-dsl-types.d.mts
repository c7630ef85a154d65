export declare const ROOT: string;
export declare const ENTRY: string;
export declare const OUTPUT: string;
export declare const REFRESH_COMMAND: string;
export declare const MODULE_NAME: string;
/** The `declare module "streamlab" { … }` text for the DSL entry's public API. */
export declare function bundleDeclarations(root?: string, entry?: string): string;
/** The full text of the generated TypeScript module holding that declaration text. */
export declare function buildDslTypes(root?: string, entry?: string): string;
