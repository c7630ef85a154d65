/**
 * The `streamlab` command line. Each subcommand is one entry of {@link COMMANDS} with its
 * own usage text and option table, so adding one (e.g. `bench`) touches nothing else.
 *
 * Output discipline: records (JSON Lines) go to stdout, messages for people to stderr.
 * Bad input never shows a stack trace; only an unexpected failure inside streamlab does,
 * after "internal error:".
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { isKafkaError } from "../workers/protocol/errors";
import { runScenario, EXIT_INVALID } from "./runner/run-scenario";
import { parseScenarioText } from "./runner/scenario";
import { ScenarioError } from "./runner/scenario-error";

export const EXIT_USAGE = 2;
/** Not one of the scenario contract's codes, so a crash is never mistaken for a check result. */
export const EXIT_INTERNAL = 3;

export interface CliIO {
  /** Writes text to stdout as is. */
  stdout(text: string): void;
  /** Writes text to stderr as is. */
  stderr(text: string): void;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  options: OptionSpec;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

export interface OptionSpec {
  /** Options that take no value. */
  flags: readonly string[];
  /** Options that take a value (`--name VALUE` or `--name=VALUE`); repeatable. */
  valued: readonly string[];
  /** Names of the positional arguments, all required. */
  positionals: readonly string[];
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  let optionsEnded = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (optionsEnded || !arg.startsWith("-") || arg === "-") {
      parsed.positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsEnded = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (spec.flags.includes(name)) {
      if (eq >= 0) throw new UsageError(`option ${name} takes no value`);
      parsed.flags.add(name);
    } else if (spec.valued.includes(name)) {
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined || value === "") throw new UsageError(`option ${name} needs a value`);
      parsed.values.set(name, [...(parsed.values.get(name) ?? []), value]);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  if (parsed.positionals.length < spec.positionals.length) {
    throw new UsageError(`missing ${spec.positionals.slice(parsed.positionals.length).join(" ")}`);
  }
  if (parsed.positionals.length > spec.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[spec.positionals.length])}`);
  }
  return parsed;
}

// ---------------------------------------------------------------------------------------
// run

const RUN_USAGE = "streamlab run FILE [--dump TOPIC[,TOPIC…]] [--groups] [--check] [--data-dir DIR]";

const RUN_HELP = `Usage: ${RUN_USAGE}

Runs a scenario file (the format of SCENARIO.md) on a virtual clock, deterministically,
and prints JSON Lines on stdout: the records of each poll step, then the dumps.

Options:
  --dump TOPIC[,TOPIC…]  after the last step, print every record still in these topics,
                         by partition then offset (repeatable)
  --groups               after the last step, print one line per consumer group
  --check                compare the run with the scenario's "expect"; differences go to
                         stderr and the exit code is 1
  --data-dir DIR         keep the broker's files in DIR, laid out as Kafka's log.dirs,
                         instead of memory; a later run with the same DIR starts from them
  -h, --help             show this help

Exit codes: 0 ok; 1 --check found differences; 2 invalid scenario, bad usage or a failed
step; 3 internal error.
`;

const runCommand: Command = {
  name: "run",
  summary: "run a scenario file headless and print its records as JSON Lines",
  help: RUN_HELP,
  options: { flags: ["--groups", "--check"], valued: ["--dump", "--data-dir"], positionals: ["FILE"] },
  async run(args, io) {
    const file = args.positionals[0] as string;
    const dump = (args.values.get("--dump") ?? []).flatMap((list) => list.split(","));
    if (dump.some((topic) => topic === "")) throw new UsageError("--dump needs topic names separated by commas");
    const dataDirs = args.values.get("--data-dir") ?? [];
    if (dataDirs.length > 1) throw new UsageError("--data-dir can be given once");
    const dataDir = dataDirs[0];

    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch (e) {
      io.stderr(`streamlab run: cannot read ${JSON.stringify(file)}: ${fileProblem(e)}\n`);
      return EXIT_INVALID;
    }
    let scenario;
    try {
      scenario = parseScenarioText(source, file, { topicsMayExist: dataDir !== undefined });
    } catch (e) {
      if (e instanceof ScenarioError) {
        io.stderr(`${e.message}\n`);
        return EXIT_INVALID;
      }
      throw e;
    }

    if (dataDir !== undefined && existsSync(dataDir) && !statSync(dataDir).isDirectory()) {
      io.stderr(`--data-dir: ${JSON.stringify(dataDir)} is not a directory\n`);
      return EXIT_INVALID;
    }
    const { openEngine } = await import("./runner/open-engine");
    let engine;
    try {
      engine = await openEngine({
        clockStart: scenario.clock.start,
        ...(dataDir !== undefined ? { dataDir: resolve(dataDir) } : {}),
      });
    } catch (e) {
      // The broker refuses a data directory it cannot recover (e.g. not Kafka's layout).
      if (isKafkaError(e)) {
        io.stderr(`--data-dir: ${e.message}\n`);
        return EXIT_INVALID;
      }
      throw e;
    }
    const out = new LineBuffer(io);
    try {
      const outcome = await runScenario(scenario, engine, {
        dump,
        groups: args.flags.has("--groups"),
        check: args.flags.has("--check"),
        out: (line) => out.push(line),
        err: (message) => {
          out.flush();
          io.stderr(`${message}\n`);
        },
      });
      return outcome.exitCode;
    } finally {
      out.flush();
      await engine.close();
    }
  },
};

function fileProblem(e: unknown): string {
  const code = (e as { code?: unknown }).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES") return "permission denied";
  return e instanceof Error ? e.message : String(e);
}

/** Collects output lines and writes them in large chunks: dumps can hold millions of records. */
class LineBuffer {
  private lines: string[] = [];
  private size = 0;

  constructor(private readonly io: CliIO) {}

  push(line: string): void {
    this.lines.push(line);
    this.size += line.length + 1;
    if (this.size >= 1 << 16) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    this.io.stdout(`${this.lines.join("\n")}\n`);
    this.lines = [];
    this.size = 0;
  }
}

// ---------------------------------------------------------------------------------------
// The command table

export const COMMANDS: Command[] = [runCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `Usage: streamlab <command> [options]

Commands:
${list}

Run "streamlab <command> --help" for the options of a command.
`;
}

function firstLine(help: string): string {
  return help.split("\n")[0] ?? help;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr(mainHelp());
    return EXIT_USAGE;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout(mainHelp());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr(`streamlab: unknown command ${JSON.stringify(name)}\n\n${mainHelp()}`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout(command.help);
    return 0;
  }
  try {
    return await command.run(parseArgs(rest, command.options), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`streamlab ${command.name}: ${e.message}\n${firstLine(command.help)}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT_INTERNAL;
  }
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
}
