/**
 * The part of Java's DateTimeFormatter that ksqlDB's date functions expose: pattern letters
 * y u M L d D E a H h K k m s S A n G V z O X x Z, quoted text with '' for a quote, and time
 * zones by IANA id or fixed offset. Formatting and parsing both resolve in a zone; parsing
 * starts from 1970-01-01T00:00 and overrides the fields the text supplies (ksqlDB's
 * StringToTimestampParser).
 */
import { KsqlFunctionException } from "../errors";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

interface Zone {
  id: string;
  /** Offset from UTC in ms at an instant. */
  offsetAt(instant: number): number;
}

const FIXED = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;
const zoneCache = new Map<string, Zone>();

function fixedZone(id: string, offset: number): Zone {
  return { id, offsetAt: () => offset };
}

/** A zone by Java ZoneId text; throws "Unknown time-zone ID" like ZoneId.of. */
export function zoneOf(id: string): Zone {
  const cached = zoneCache.get(id);
  if (cached) return cached;
  let zone: Zone;
  if (id === "Z" || id === "UTC" || id === "GMT" || id === "UT") zone = fixedZone(id, 0);
  else {
    const m = FIXED.exec(id);
    if (m) {
      const sign = m[1] === "-" ? -1 : 1;
      const h = Number(m[2]);
      const min = Number(m[3] ?? 0);
      const sec = Number(m[4] ?? 0);
      if (h > 18 || min > 59 || sec > 59) throw new KsqlFunctionException(`Invalid ID for offset-based ZoneId: ${id}`);
      zone = fixedZone(id, sign * (h * 3_600_000 + min * 60_000 + sec * 1000));
    } else {
      let dtf: Intl.DateTimeFormat;
      try {
        dtf = new Intl.DateTimeFormat("en-US", {
          timeZone: id,
          hourCycle: "h23",
          year: "numeric",
          month: "numeric",
          day: "numeric",
          hour: "numeric",
          minute: "numeric",
          second: "numeric",
          era: "short",
        });
      } catch {
        throw new KsqlFunctionException(`Unknown time-zone ID: ${id}`);
      }
      zone = {
        id,
        offsetAt(instant: number): number {
          const whole = Math.floor(instant / 1000) * 1000;
          const parts: Record<string, string> = {};
          for (const p of dtf.formatToParts(new Date(whole))) parts[p.type] = p.value;
          let year = Number(parts.year);
          if (parts.era === "BC" || parts.era === "B") year = 1 - year;
          const local = Date.UTC(year, Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
          return local - whole;
        },
      };
    }
  }
  zoneCache.set(id, zone);
  return zone;
}

type Item = { kind: "literal"; text: string } | { kind: "field"; letter: string; count: number };

const patternCache = new Map<string, Item[]>();

function compile(pattern: string): Item[] {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const items: Item[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      let j = i + 1;
      let text = "";
      for (;;) {
        if (j >= pattern.length) throw new KsqlFunctionException(`Pattern ends with an incomplete string literal: ${pattern}`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      items.push({ kind: "literal", text: j === i + 1 ? "'" : text });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (pattern[j] === c) j++;
      if (!"yuMLdDEaHhKkmsSAnGVzOXxZ".includes(c)) throw new KsqlFunctionException(`Unknown pattern letter: ${c}`);
      items.push({ kind: "field", letter: c, count: j - i });
      i = j;
    } else if (c === "[" || c === "]") {
      i++;
    } else if (c === "{" || c === "}" || c === "#") {
      throw new KsqlFunctionException(`Pattern includes reserved character: '${c}'`);
    } else {
      items.push({ kind: "literal", text: c });
      i++;
    }
  }
  patternCache.set(pattern, items);
  return items;
}

const pad = (n: number, width: number) => {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? "-" + s : s;
};

function offsetText(offsetMs: number, letter: string, count: number): string {
  const total = Math.round(offsetMs / 1000);
  if (total === 0 && (letter === "X" || (letter === "Z" && count === 5))) return "Z";
  const sign = total < 0 ? "-" : "+";
  const abs = Math.abs(total);
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor((abs % 3600) / 60), 2);
  const s = abs % 60;
  if (letter === "O") return total === 0 ? "GMT" : `GMT${sign}${count === 4 ? h : String(Number(h))}${m !== "00" || count === 4 ? ":" + m : ""}`;
  if (letter === "Z") {
    if (count <= 3) return `${sign}${h}${m}`;
    if (count === 4) return total === 0 ? "GMT" : `GMT${sign}${h}:${m}`;
    return `${sign}${h}:${m}`;
  }
  switch (count) {
    case 1:
      return `${sign}${h}${m !== "00" ? m : ""}`;
    case 2:
      return `${sign}${h}${m}`;
    case 3:
      return `${sign}${h}:${m}`;
    case 4:
      return `${sign}${h}${m}${s ? pad(s, 2) : ""}`;
    default:
      return `${sign}${h}:${m}${s ? ":" + pad(s, 2) : ""}`;
  }
}

function zoneName(zone: Zone, instant: number): string {
  if (zone.offsetAt === undefined || /^(Z|UTC|GMT|UT)$/.test(zone.id)) return zone.id === "Z" ? "Z" : zone.id;
  // Java's short names are abbreviations where one is in common use (PDT, BST, CEST): the
  // US English names have them for America, the British English ones for Europe.
  try {
    let name = zone.id;
    for (const locale of ["en-US", "en-GB"]) {
      const parts = new Intl.DateTimeFormat(locale, { timeZone: zone.id, timeZoneName: "short" }).formatToParts(new Date(instant));
      name = parts.find((p) => p.type === "timeZoneName")?.value ?? zone.id;
      if (!/^(GMT|UTC)[+-]/.test(name)) break;
    }
    return name;
  } catch {
    return zone.id;
  }
}

/** Formats epoch milliseconds in `zoneId` with a Java DateTimeFormatter pattern. */
export function formatInstant(instant: number, pattern: string, zoneId: string): string {
  const items = compile(pattern);
  const zone = zoneOf(zoneId);
  const offset = zone.offsetAt(instant);
  const d = new Date(instant + offset);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth();
  const day = d.getUTCDate();
  const hour = d.getUTCHours();
  const minute = d.getUTCMinutes();
  const second = d.getUTCSeconds();
  const milli = d.getUTCMilliseconds();
  let out = "";
  for (const it of items) {
    if (it.kind === "literal") {
      out += it.text;
      continue;
    }
    const n = it.count;
    switch (it.letter) {
      case "G":
        out += year > 0 ? (n === 4 ? "Anno Domini" : "AD") : n === 4 ? "Before Christ" : "BC";
        break;
      case "y":
      case "u": {
        const y = it.letter === "y" && year <= 0 ? 1 - year : year;
        out += n === 2 ? pad(((y % 100) + 100) % 100, 2) : pad(y, n);
        break;
      }
      case "M":
      case "L":
        out += n === 1 ? String(month + 1) : n === 2 ? pad(month + 1, 2) : n === 3 ? MONTHS[month]!.slice(0, 3) : n === 4 ? MONTHS[month]! : MONTHS[month]![0]!;
        break;
      case "d":
        out += pad(day, n);
        break;
      case "D": {
        const doy = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86_400_000) + 1;
        out += pad(doy, n);
        break;
      }
      case "E": {
        const name = DAYS[d.getUTCDay()]!;
        out += n <= 3 ? name.slice(0, 3) : n === 4 ? name : name[0]!;
        break;
      }
      case "a":
        out += hour < 12 ? "AM" : "PM";
        break;
      case "H":
        out += pad(hour, n);
        break;
      case "k":
        out += pad(hour === 0 ? 24 : hour, n);
        break;
      case "K":
        out += pad(hour % 12, n);
        break;
      case "h":
        out += pad(hour % 12 === 0 ? 12 : hour % 12, n);
        break;
      case "m":
        out += pad(minute, n);
        break;
      case "s":
        out += pad(second, n);
        break;
      case "S":
        out += (pad(milli, 3) + "000000").slice(0, n);
        break;
      case "A":
        out += pad(((hour * 60 + minute) * 60 + second) * 1000 + milli, n);
        break;
      case "n":
        out += pad(milli * 1_000_000, n);
        break;
      case "V":
        out += zone.id;
        break;
      case "z":
        out += n === 4 ? zone.id : zoneName(zone, instant);
        break;
      default:
        out += offsetText(offset, it.letter, n);
    }
  }
  return out;
}

interface Parsed {
  year?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  nano?: number;
  offset?: number;
  zone?: string;
}

function matchName(text: string, at: number, names: string[], short: boolean): [number, number] | undefined {
  const lower = text.slice(at).toLowerCase();
  for (let i = 0; i < names.length; i++) {
    const name = short ? names[i]!.slice(0, 3) : names[i]!;
    if (lower.startsWith(name.toLowerCase())) return [i, name.length];
  }
  return undefined;
}

/** Parses text with a Java DateTimeFormatter pattern into epoch milliseconds, in `zoneId` unless the text names a zone. */
export function parseToInstant(text: string, pattern: string, zoneId: string): number {
  const items = compile(pattern);
  const fail = (at: number): never => {
    throw new KsqlFunctionException(`Text '${text}' could not be parsed at index ${at}`);
  };
  const p: Parsed = {};
  let pos = 0;
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if (it.kind === "literal") {
      if (text.slice(pos, pos + it.text.length).toLowerCase() !== it.text.toLowerCase()) fail(pos);
      pos += it.text.length;
      continue;
    }
    const next = items[k + 1];
    const nextIsNumber = next?.kind === "field" && "yuMdDHhKkmsSAn".includes(next.letter) && !("ML".includes(next.letter) && next.count >= 3);
    const number = (min: number, max: number): number => {
      let end = pos;
      const limit = pos + max;
      if (text[end] === "-" || text[end] === "+") end++;
      while (end < text.length && end < limit && text[end]! >= "0" && text[end]! <= "9") end++;
      if (end - pos < min) fail(pos);
      const v = Number(text.slice(pos, end));
      pos = end;
      return v;
    };
    const n = it.count;
    const width = (fixed: number) => (n >= 2 || nextIsNumber ? Math.max(n, fixed) : 19);
    switch (it.letter) {
      case "y":
      case "u":
        if (n === 2) {
          const v = number(2, 2);
          p.year = 2000 + v;
        } else p.year = number(n, nextIsNumber ? n : 19);
        break;
      case "M":
      case "L":
        if (n >= 3) {
          const m = matchName(text, pos, MONTHS, n === 3);
          if (!m) fail(pos);
          p.month = m![0] + 1;
          pos += m![1];
        } else p.month = number(n, width(2) === 19 ? 2 : width(2));
        break;
      case "d":
        p.day = number(n, n >= 2 || nextIsNumber ? Math.max(n, 2) : 2);
        break;
      case "D":
        p.dayOfYear = number(n, 3);
        break;
      case "E": {
        const m = matchName(text, pos, DAYS, n <= 3);
        if (!m) fail(pos);
        pos += m![1];
        break;
      }
      case "a": {
        const t = text.slice(pos, pos + 2).toUpperCase();
        if (t !== "AM" && t !== "PM") fail(pos);
        p.pm = t === "PM";
        pos += 2;
        break;
      }
      case "H":
      case "k":
        p.hour = number(n, Math.max(n, 2)) % 24;
        break;
      case "h":
      case "K":
        p.hour12 = number(n, Math.max(n, 2)) % 12;
        break;
      case "m":
        p.minute = number(n, Math.max(n, 2));
        break;
      case "s":
        p.second = number(n, Math.max(n, 2));
        break;
      case "S": {
        const start = pos;
        const digits = number(n, n);
        const len = pos - start;
        if (len > 9) fail(start);
        p.nano = digits * 10 ** (9 - len);
        break;
      }
      case "n":
        p.nano = number(1, 9);
        break;
      case "A": {
        const ms = number(1, 8);
        p.hour = Math.floor(ms / 3_600_000);
        p.minute = Math.floor(ms / 60_000) % 60;
        p.second = Math.floor(ms / 1000) % 60;
        p.nano = (ms % 1000) * 1_000_000;
        break;
      }
      case "G":
        if (/^AD/i.test(text.slice(pos))) pos += 2;
        else if (/^BC/i.test(text.slice(pos))) pos += 2;
        else fail(pos);
        break;
      case "V":
      case "z": {
        const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(text.slice(pos));
        if (!m) fail(pos);
        p.zone = m![0];
        pos += m![0].length;
        break;
      }
      default: {
        const rest = text.slice(pos);
        // ksqlDB's parser is case-insensitive: "z" reads as the zero offset too.
        if ((it.letter === "X" || it.letter === "Z") && (rest[0] === "Z" || rest[0] === "z")) {
          p.offset = 0;
          pos++;
          break;
        }
        const m = /^(?:GMT)?([+-])(\d{2}):?(\d{2})?(?::?(\d{2}))?/.exec(rest);
        if (!m) {
          if (/^GMT/.test(rest)) {
            p.offset = 0;
            pos += 3;
            break;
          }
          fail(pos);
        }
        p.offset = (m![1] === "-" ? -1 : 1) * (Number(m![2]) * 3_600_000 + Number(m![3] ?? 0) * 60_000 + Number(m![4] ?? 0) * 1000);
        pos += m![0].length;
      }
    }
  }
  if (pos !== text.length) throw new KsqlFunctionException(`Text '${text}' could not be parsed, unparsed text found at index ${pos}`);

  const invalid = (field: string, range: string, v: number): never => {
    throw new KsqlFunctionException(`Text '${text}' could not be parsed: Invalid value for ${field} (valid values ${range}): ${v}`);
  };
  const year = p.year ?? 1970;
  let month = p.month ?? 1;
  let day = p.day ?? 1;
  if (month < 1 || month > 12) invalid("MonthOfYear", "1 - 12", month);
  if (day < 1 || day > 31) invalid("DayOfMonth", "1 - 28/31", day);
  if (p.dayOfYear !== undefined) {
    const d = new Date(Date.UTC(year, 0, p.dayOfYear));
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  // ResolverStyle.SMART: the 31st of a shorter month becomes its last day.
  const monthLength = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > monthLength) day = monthLength;
  let hour = p.hour ?? 0;
  if (p.hour12 !== undefined) hour = p.hour12 + (p.pm ? 12 : 0);
  else if (p.pm !== undefined && p.hour !== undefined && p.hour < 12 && p.pm) hour += 12;
  const minute = p.minute ?? 0;
  const second = p.second ?? 0;
  if (minute > 59) invalid("MinuteOfHour", "0 - 59", minute);
  if (second > 59) invalid("SecondOfMinute", "0 - 59", second);
  const ms = Math.floor((p.nano ?? 0) / 1_000_000);
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  const local = d.getTime();
  if (p.offset !== undefined) return local - p.offset;
  const zone = zoneOf(p.zone ?? zoneId);
  // Local time to instant: guess with the offset at the local reading, then settle.
  let instant = local - zone.offsetAt(local);
  const second2 = local - zone.offsetAt(instant);
  if (second2 !== instant) instant = Math.max(instant, second2);
  return instant;
}
