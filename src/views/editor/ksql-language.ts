/**
 * ksqlDB's SQL in Monaco: highlighting of its keywords (EMIT, CHANGES, TUMBLING, GRACE …
 * as the engine's lexer knows them), functions, types, strings, quoted names and comments;
 * and completion of keywords, streams, tables and columns from the engine's catalog.
 * Tokens carry Monaco's SQL token names (`keyword.sql`, `string.sql` …), so the workbench
 * themes colour them.
 */
import * as monaco from "monaco-editor";
import type { SqlCatalog } from "../../engine-client/workbench-types";
import { sqlSuggestions, type SuggestionKind } from "./sql-completion";

export const KSQL = "ksql";

const TYPES = ["BOOLEAN", "INT", "INTEGER", "BIGINT", "DOUBLE", "DECIMAL", "VARCHAR", "STRING", "BYTES", "DATE", "TIME", "TIMESTAMP", "ARRAY", "MAP", "STRUCT"];

function tokens(keywords: readonly string[], functions: readonly string[]): monaco.languages.IMonarchLanguage {
  const types = new Set(TYPES);
  return {
    ignoreCase: true,
    defaultToken: "",
    tokenPostfix: ".sql",
    keywords: keywords.filter((k) => !types.has(k)),
    functions: [...functions],
    types: TYPES,
    brackets: [
      { open: "(", close: ")", token: "delimiter.parenthesis" },
      { open: "[", close: "]", token: "delimiter.square" },
    ],
    tokenizer: {
      root: [
        [/\s+/, "white"],
        [/--.*$/, "comment"],
        [/\/\*/, { token: "comment.quote", next: "@comment" }],
        [/'/, { token: "string", next: "@string" }],
        [/`/, { token: "identifier.quote", next: "@backquoted" }],
        [/"/, { token: "identifier.quote", next: "@quoted" }],
        [/(\d+(\.\d*)?|\.\d+)[eE][-+]?\d+/, "number.float"],
        [/\d+\.\d*|\.\d+/, "number.float"],
        [/\d+/, "number"],
        [/[A-Za-z_][\w@]*/, { cases: { "@types": "type", "@keywords": "keyword", "@functions": "predefined", "@default": "identifier" } }],
        [/[()[\]]/, "@brackets"],
        [/[;,.]/, "delimiter"],
        [/->|:=|\|\||<>|!=|<=|>=|[<>=+\-*/%]/, "operator"],
      ],
      comment: [
        [/[^*/]+/, "comment"],
        [/\*\//, { token: "comment.quote", next: "@pop" }],
        [/[*/]/, "comment"],
      ],
      string: [
        [/[^']+/, "string"],
        [/''/, "string"],
        [/'/, { token: "string", next: "@pop" }],
      ],
      backquoted: [
        [/[^`]+/, "identifier"],
        [/``/, "identifier"],
        [/`/, { token: "identifier.quote", next: "@pop" }],
      ],
      quoted: [
        [/[^"]+/, "identifier"],
        [/""/, "identifier"],
        [/"/, { token: "identifier.quote", next: "@pop" }],
      ],
    },
  };
}

const KIND: Record<SuggestionKind, monaco.languages.CompletionItemKind> = {
  column: monaco.languages.CompletionItemKind.Field,
  source: monaco.languages.CompletionItemKind.Class,
  keyword: monaco.languages.CompletionItemKind.Keyword,
  function: monaco.languages.CompletionItemKind.Function,
};

let registered = false;

/** Registers the language once; its keywords and functions come from the engine's catalog. */
export function registerKsql(catalog: () => Promise<SqlCatalog | undefined>): void {
  if (registered) return;
  registered = true;
  monaco.languages.register({ id: KSQL, aliases: ["ksqlDB SQL"] });
  monaco.languages.setLanguageConfiguration(KSQL, {
    comments: { lineComment: "--", blockComment: ["/*", "*/"] },
    brackets: [
      ["(", ")"],
      ["[", "]"],
    ],
    autoClosingPairs: [
      { open: "(", close: ")" },
      { open: "[", close: "]" },
      { open: "'", close: "'", notIn: ["string", "comment"] },
      { open: "`", close: "`", notIn: ["string", "comment"] },
    ],
    wordPattern: /[A-Za-z_][\w@]*/,
  });
  monaco.languages.setMonarchTokensProvider(KSQL, tokens([], []));
  void catalog().then((c) => {
    if (c) monaco.languages.setMonarchTokensProvider(KSQL, tokens(c.keywords, c.functions));
  });
  monaco.languages.registerCompletionItemProvider(KSQL, {
    triggerCharacters: ["."],
    async provideCompletionItems(model, position) {
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const c = await catalog();
      if (!c) return { suggestions: [] };
      const offset = model.getOffsetAt(position);
      const text = model.getValue();
      const suggestions = sqlSuggestions(text.slice(0, offset), text.slice(offset), c).map((s, i) => ({
        label: s.label,
        kind: KIND[s.kind],
        ...(s.detail !== undefined ? { detail: s.detail } : {}),
        insertText: (s.kind === "column" || s.kind === "source") && !/^[A-Z_][A-Z0-9_@]*$/.test(s.label) ? `\`${s.label}\`` : s.label,
        sortText: `${s.rank}${String(i).padStart(4, "0")}`,
        range,
      }));
      return { suggestions };
    },
  });
}
