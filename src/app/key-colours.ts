/**
 * One colour per key, everywhere (UI-BRIEF principle 3): a key's colour comes from a
 * stable hash of its printed text into a colour-blind-safe categorical palette, so the
 * same key has the same colour in every view, across reloads and on every machine.
 *
 * The palette is Okabe–Ito (safe for the common colour-vision deficiencies) extended with
 * five of Paul Tol's "muted" colours; black is left out so it never reads as "no data".
 * Groups and applications get their own palette, which the key palette never uses.
 */

export const KEY_PALETTE = [
  "#E69F00", // orange
  "#56B4E9", // sky blue
  "#009E73", // bluish green
  "#F0E442", // yellow
  "#0072B2", // blue
  "#D55E00", // vermillion
  "#CC79A7", // reddish purple
  "#CC6677", // rose
  "#44AA99", // teal
  "#999933", // olive
  "#882255", // wine
  "#332288", // indigo
] as const;

/** Colour of records without a key: neutral, so keyed data stands out. */
export const NULL_KEY_COLOUR = "#8A8F98";

export const GROUP_PALETTE = ["#1B7837", "#762A83", "#B35806", "#2166AC", "#8C510A", "#C51B7D"] as const;

/** FNV-1a over UTF-16 code units: fast, stable, and spreads short keys ("K1", "K2") well. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche: consecutive keys differ only in the last character.
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

export function keyColour(key: string | null): string {
  if (key === null) return NULL_KEY_COLOUR;
  return KEY_PALETTE[hashKey(key) % KEY_PALETTE.length]!;
}

export function groupColour(groupId: string): string {
  return GROUP_PALETTE[hashKey(groupId) % GROUP_PALETTE.length]!;
}

/** Relative luminance (WCAG) of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

const textOnCache = new Map<string, string>();

/** Black or white, whichever reads better on `background`. */
export function textOn(background: string): string {
  // Asked for every cell of every frame, of a dozen colours.
  let text = textOnCache.get(background);
  if (text === undefined) {
    const l = luminance(background);
    text = (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? "#000000" : "#FFFFFF";
    if (textOnCache.size < 256) textOnCache.set(background, text);
  }
  return text;
}
