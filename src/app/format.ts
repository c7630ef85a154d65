/** How numbers, sizes and times read on screen. */

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Virtual time as a wall clock reads: local time of day to the millisecond. */
export function formatClock(time: number): string {
  const d = new Date(time);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDate(time: number): string {
  const d = new Date(time);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A timestamp for the inspector: ISO date and local time. */
export function formatTimestamp(time: number): string {
  return `${formatDate(time)} ${formatClock(time)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** 1234567 → "1.23M", for tight spaces; exact below ten thousand. */
export function formatCount(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(2)}M`;
}

/** A duration in ms as Kafka configs are usually explained: "7 d", "5 min", "500 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${+(ms / 3_600_000).toFixed(1)} h`;
  return `${+(ms / 86_400_000).toFixed(1)} d`;
}

export function formatSpeed(speed: number): string {
  return `${speed < 1 ? speed.toFixed(1) : +speed.toFixed(speed < 10 ? 1 : 0)}×`;
}

/** Pretty JSON when the text is a JSON object or array; the text itself otherwise. */
export function prettyValue(text: string | null): string {
  if (text === null) return "null (tombstone)";
  const t = text.trimStart();
  if (t.startsWith("{") || t.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  return text;
}
