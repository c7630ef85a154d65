// Lint rules that keep the folder seams of DESIGN.md true. ESLint's no-restricted-imports
// matches import strings, so `../../src/x` and `../src/x` need separate patterns that break
// as folders move; this rule resolves each relative import against the importing file and
// judges the folder it lands in.
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";

function toPosix(path) {
  return sep === "/" ? path : path.split(sep).join("/");
}

function projectRoot(context) {
  return context.settings?.seams?.root ?? context.cwd;
}

/**
 * The project-relative path an import specifier points at, or null for package imports.
 * `/src/...` counts as project-rooted, the way Vite serves it.
 */
export function resolveSpecifier(specifier, filename, root) {
  const bare = specifier.replace(/[?#].*$/, "");
  let absolute;
  if (bare.startsWith("./") || bare.startsWith("../") || bare === "." || bare === "..") {
    absolute = resolve(dirname(filename), bare);
  } else if (bare.startsWith("/")) {
    absolute = resolve(root, "." + bare);
  } else {
    return null;
  }
  const rel = relative(root, absolute);
  if (rel.startsWith("..") || isAbsolute(rel)) return null;
  return toPosix(rel);
}

function isInside(path, folder) {
  return path === folder || path.startsWith(folder + "/");
}

const zoneSchema = {
  type: "object",
  properties: {
    into: { type: "string" },
    message: { type: "string" },
    allowTypeOnly: { type: "boolean" },
    allow: { type: "array", items: { type: "string" } },
  },
  required: ["into", "message"],
  additionalProperties: false,
};

const noImportAcross = {
  meta: {
    type: "problem",
    docs: { description: "Forbid imports that cross a seam between top-level folders" },
    schema: { type: "array", items: zoneSchema },
    messages: {
      crossing: "'{{specifier}}' reaches into {{into}}/: {{message}}",
    },
  },
  create(context) {
    const zones = context.options.map((zone) => ({
      ...zone,
      allow: (zone.allow ?? []).map((pattern) => new RegExp(pattern)),
    }));
    const root = projectRoot(context);
    const filename = context.physicalFilename ?? context.filename;

    function check(node, specifier, typeOnly) {
      if (typeof specifier !== "string") return;
      const target = resolveSpecifier(specifier, filename, root);
      if (target === null) return;
      for (const zone of zones) {
        if (!isInside(target, zone.into)) continue;
        if (typeOnly && zone.allowTypeOnly) continue;
        if (zone.allow.some((pattern) => pattern.test(target))) continue;
        context.report({ node, messageId: "crossing", data: { specifier, into: zone.into, message: zone.message } });
        return;
      }
    }

    return {
      ImportDeclaration(node) {
        check(node.source, node.source.value, node.importKind === "type");
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node.source, node.source.value, node.exportKind === "type");
      },
      ExportAllDeclaration(node) {
        check(node.source, node.source.value, node.exportKind === "type");
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node.source, node.source.value, false);
      },
      TSImportType(node) {
        const literal = node.argument?.literal ?? node.argument;
        if (literal?.type === "Literal") check(literal, literal.value, true);
      },
      TSExternalModuleReference(node) {
        if (node.expression.type === "Literal") check(node.expression, node.expression.value, false);
      },
      // `new URL("../../workers/x.worker.ts", import.meta.url)` is how a worker is started.
      NewExpression(node) {
        const [first, second] = node.arguments;
        if (
          node.callee.type === "Identifier" &&
          node.callee.name === "URL" &&
          first?.type === "Literal" &&
          second?.type === "MemberExpression" &&
          second.object.type === "MetaProperty" &&
          second.property.type === "Identifier" &&
          second.property.name === "url"
        ) {
          check(first, first.value, false);
        }
      },
    };
  },
};

export default {
  meta: { name: "streamlab-seams" },
  rules: { "no-import-across": noImportAcross },
};
