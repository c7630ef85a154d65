/**
 * The grammar of ksqlDB statements (after `SqlBase.g4`), as a Chevrotain parser that builds
 * the AST of ast.ts directly. Operator precedence, lowest first: OR, AND, NOT, predicates
 * (comparison, BETWEEN, IN, LIKE, IS [NOT] NULL, IS [NOT] DISTINCT FROM), `||`, `+ -`,
 * `* / %`, unary `- +`, then postfix `[i]` and `->field`.
 *
 * Where ksqlDB's ANTLR grammar relies on unbounded lookahead (a non-reserved keyword that may
 * be an alias or start the next clause, `ARRAY[` versus a column named ARRAY) the rules use
 * explicit gates on the next tokens instead.
 */
import { EmbeddedActionsParser, EOF, tokenMatcher, type IToken, type TokenType } from "chevrotain";
import type * as A from "./ast";
import { TIME_UNIT_MS } from "./ast";
import { SqlSyntaxError } from "./errors";
import {
  allTokens,
  Arrow,
  Assign,
  BackQuotedIdentifier,
  Comma,
  Concat,
  DecimalLiteral,
  DigitIdentifier,
  Dot,
  Equals,
  FloatLiteral,
  Greater,
  GreaterEq,
  Identifier,
  IntegerLiteral,
  kw,
  LBracket,
  Less,
  LessEq,
  LParen,
  Minus,
  NonReserved,
  NotEquals,
  Percent,
  Plus,
  QuotedIdentifier,
  RBracket,
  RParen,
  Slash,
  Star,
  StringLiteral,
  TimeUnitToken,
} from "./lexer";
import { primitiveTypeByName, SqlTypes, type SqlStructField, type SqlType } from "./types";

const SELECT = kw("SELECT");
const FROM = kw("FROM");
const AS = kw("AS");
const WHERE = kw("WHERE");
const WITHIN = kw("WITHIN");
const WINDOW = kw("WINDOW");
const GROUP = kw("GROUP");
const BY = kw("BY");
const HAVING = kw("HAVING");
const LIMIT = kw("LIMIT");
const OR = kw("OR");
const AND = kw("AND");
const IN = kw("IN");
const NOT = kw("NOT");
const BETWEEN = kw("BETWEEN");
const LIKE = kw("LIKE");
const IS = kw("IS");
const NULL = kw("NULL");
const TRUE = kw("TRUE");
const FALSE = kw("FALSE");
const DISTINCT = kw("DISTINCT");
const CASE = kw("CASE");
const WHEN = kw("WHEN");
const THEN = kw("THEN");
const ELSE = kw("ELSE");
const END = kw("END");
const JOIN = kw("JOIN");
const FULL = kw("FULL");
const OUTER = kw("OUTER");
const INNER = kw("INNER");
const LEFT = kw("LEFT");
const RIGHT = kw("RIGHT");
const ON = kw("ON");
const WITH = kw("WITH");
const VALUES = kw("VALUES");
const CREATE = kw("CREATE");
const TABLE = kw("TABLE");
const STREAM = kw("STREAM");
const STREAMS = kw("STREAMS");
const INSERT = kw("INSERT");
const INTO = kw("INTO");
const DELETE = kw("DELETE");
const TOPIC = kw("TOPIC");
const TOPICS = kw("TOPICS");
const DESCRIBE = kw("DESCRIBE");
const EXTENDED = kw("EXTENDED");
const PRINT = kw("PRINT");
const CAST = kw("CAST");
const LIST = kw("LIST");
const SHOW = kw("SHOW");
const QUERIES = kw("QUERIES");
const TERMINATE = kw("TERMINATE");
const DROP = kw("DROP");
const TUMBLING = kw("TUMBLING");
const HOPPING = kw("HOPPING");
const SESSION = kw("SESSION");
const SIZE = kw("SIZE");
const ADVANCE = kw("ADVANCE");
const RETENTION = kw("RETENTION");
const GRACE = kw("GRACE");
const PERIOD = kw("PERIOD");
const DECIMAL = kw("DECIMAL");
const BEGINNING = kw("BEGINNING");
const UNSET = kw("UNSET");
const SET = kw("SET");
const PROPERTIES = kw("PROPERTIES");
const FUNCTIONS = kw("FUNCTIONS");
const FUNCTION = kw("FUNCTION");
const TABLES = kw("TABLES");
const EXPLAIN = kw("EXPLAIN");
const ALL = kw("ALL");
const EXISTS = kw("EXISTS");
const IF = kw("IF");
const REPLACE = kw("REPLACE");
const SOURCE = kw("SOURCE");
const PRIMARY = kw("PRIMARY");
const KEY = kw("KEY");
const HEADERS = kw("HEADERS");
const HEADER = kw("HEADER");
const EMIT = kw("EMIT");
const CHANGES = kw("CHANGES");
const FINAL = kw("FINAL");
const ESCAPE = kw("ESCAPE");
const PARTITION = kw("PARTITION");
const ARRAY = kw("ARRAY");
const MAP = kw("MAP");
const STRUCT = kw("STRUCT");
const INTERVAL = kw("INTERVAL");
const SAMPLE = kw("SAMPLE");

const IDENTIFIER_TOKENS = [Identifier, NonReserved, QuotedIdentifier, BackQuotedIdentifier, DigitIdentifier];

export function isIdentifierToken(t: IToken): boolean {
  return IDENTIFIER_TOKENS.some((type) => tokenMatcher(t, type));
}

function is(t: IToken, type: TokenType): boolean {
  return tokenMatcher(t, type);
}

/** The name an identifier token stands for: unquoted upper-cased, quoted kept with `""`/``` `` ``` unescaped. */
export function identifierText(t: IToken): string {
  const image = t.image ?? "";
  if (is(t, QuotedIdentifier)) return image.slice(1, -1).replace(/""/g, '"');
  if (is(t, BackQuotedIdentifier)) return image.slice(1, -1).replace(/``/g, "`");
  return image.toUpperCase();
}

function unquoteString(image: string | undefined): string {
  if (image === undefined) return "";
  return image.slice(1, -1).replace(/''/g, "'");
}

function tokenPosition(t: IToken): { line: number; column: number; offset: number } {
  return { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset };
}

const TIME_UNIT_NAMES: Record<string, A.TimeUnit> = {
  MILLISECOND: "MILLISECONDS",
  MILLISECONDS: "MILLISECONDS",
  SECOND: "SECONDS",
  SECONDS: "SECONDS",
  MINUTE: "MINUTES",
  MINUTES: "MINUTES",
  HOUR: "HOURS",
  HOURS: "HOURS",
  DAY: "DAYS",
  DAYS: "DAYS",
};

const NO_LOC: A.Loc = { line: 1, column: 1, offset: 0, end: 0 };

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MAX = 9223372036854775807n;

interface Ident {
  name: string;
  token: IToken;
}

interface NumberValue {
  kind: "integer" | "decimal" | "float";
  text: string;
  token: IToken;
}

interface WindowClauses {
  retention?: A.Duration;
  grace?: A.Duration;
}

export class KsqlParser extends EmbeddedActionsParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  // During Chevrotain's grammar recording SUBRULE returns placeholders without tokens, so the
  // location helpers accept a missing token.
  private locFrom(start: IToken | undefined): A.Loc {
    if (!start) return NO_LOC;
    const last = this.LA(0);
    const end = last.endOffset !== undefined && !Number.isNaN(last.endOffset) ? last.endOffset + 1 : start.startOffset;
    return { line: start.startLine ?? 1, column: start.startColumn ?? 1, offset: start.startOffset, end: Math.max(end, start.startOffset) };
  }

  private fail(token: IToken, message: string): never {
    throw new SqlSyntaxError(message, tokenPosition(token), token.image);
  }

  private identLikeAt(i: number): boolean {
    return isIdentifierToken(this.LA(i));
  }

  /** An identifier right after a relation or expression is an alias unless it begins the next clause. */
  private aliasFollows(): boolean {
    const t = this.LA(1);
    if (!isIdentifierToken(t)) return false;
    const next = this.LA(2);
    if (is(t, EMIT) && (is(next, CHANGES) || is(next, FINAL))) return false;
    if (is(t, PARTITION) && is(next, BY)) return false;
    return true;
  }

  // -------------------------------------------------------------------------------------
  // Statements

  public statement = this.RULE("statement", (): A.Statement => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        { ALT: () => this.SUBRULE(this.queryStatement) },
        { ALT: () => this.SUBRULE(this.createStatement) },
        { ALT: () => this.SUBRULE(this.insertStatement) },
        { ALT: () => this.SUBRULE(this.dropStatement) },
        { ALT: () => this.SUBRULE(this.listStatement) },
        { ALT: () => this.SUBRULE(this.describeStatement) },
        { ALT: () => this.SUBRULE(this.explainStatement) },
        { ALT: () => this.SUBRULE(this.terminateStatement) },
        { ALT: () => this.SUBRULE(this.printStatement) },
        { ALT: () => this.SUBRULE(this.setStatement) },
        { ALT: () => this.SUBRULE(this.unsetStatement) },
      ],
    });
  });

  private queryStatement = this.RULE("queryStatement", (): A.QueryStatement => {
    const query = this.SUBRULE(this.query);
    return { kind: "QueryStatement", query, text: "", loc: query.loc };
  });

  private createStatement = this.RULE("createStatement", (): A.CreateSource | A.CreateAsSelect => {
    const start = this.CONSUME(CREATE);
    let orReplace = false;
    let ifNotExists = false;
    let isSource = false;
    this.OPTION(() => {
      this.CONSUME(OR);
      this.CONSUME(REPLACE);
      orReplace = true;
    });
    this.OPTION1(() => {
      this.CONSUME(SOURCE);
      isSource = true;
    });
    const sourceType = this.OR([
      { ALT: () => (this.CONSUME(STREAM), "STREAM" as const) },
      { ALT: () => (this.CONSUME(TABLE), "TABLE" as const) },
    ]);
    this.OPTION2(() => {
      this.CONSUME(IF);
      this.CONSUME(NOT);
      this.CONSUME(EXISTS);
      ifNotExists = true;
    });
    const name = this.SUBRULE(this.sourceName);
    const elements = this.OPTION3(() => this.SUBRULE(this.tableElements));
    const properties = this.OPTION4(() => {
      this.CONSUME(WITH);
      return this.SUBRULE(this.tableProperties);
    });
    const asQuery = this.OPTION5(() => {
      const asToken = this.CONSUME(AS);
      const query = this.SUBRULE(this.query);
      return { asToken, query };
    });
    const base = {
      sourceType,
      orReplace,
      ifNotExists,
      name: name.name,
      nameLoc: this.identLoc(name.token),
      properties: properties ?? [],
      text: "",
      loc: this.locFrom(start),
    };
    if (asQuery) {
      this.ACTION(() => {
        if (elements) this.fail(asQuery.asToken, "a CREATE ... AS SELECT statement cannot declare columns: they come from the query");
        if (isSource) this.fail(asQuery.asToken, `CREATE SOURCE ${sourceType} cannot be used with AS SELECT`);
      });
      return { kind: "CreateAsSelect", ...base, query: asQuery.query };
    }
    return { kind: "CreateSource", ...base, isSource, ...(elements ? { elements } : {}) };
  });

  private identLoc(t: IToken | undefined): A.Loc {
    if (!t) return NO_LOC;
    return { line: t.startLine ?? 1, column: t.startColumn ?? 1, offset: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 };
  }

  private insertStatement = this.RULE("insertStatement", (): A.InsertInto | A.InsertValues => {
    const start = this.CONSUME(INSERT);
    this.CONSUME(INTO);
    const target = this.SUBRULE(this.sourceName);
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        {
          GATE: () => is(this.LA(1), LParen) || is(this.LA(1), VALUES),
          ALT: (): A.InsertValues => {
            const columns = this.OPTION(() => this.SUBRULE(this.columnList));
            this.CONSUME(VALUES);
            const values = this.SUBRULE(this.valuesList);
            return {
              kind: "InsertValues",
              target: target.name,
              targetLoc: this.identLoc(target.token),
              ...(columns ? { columns } : {}),
              values,
              text: "",
              loc: this.locFrom(start),
            };
          },
        },
        {
          ALT: (): A.InsertInto => {
            const properties = this.OPTION1(() => {
              this.CONSUME(WITH);
              return this.SUBRULE(this.tableProperties);
            });
            const query = this.SUBRULE(this.query);
            return {
              kind: "InsertInto",
              target: target.name,
              targetLoc: this.identLoc(target.token),
              properties: properties ?? [],
              query,
              text: "",
              loc: this.locFrom(start),
            };
          },
        },
      ],
    });
  });

  private columnList = this.RULE("columnList", (): string[] => {
    const names: string[] = [];
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => names.push(this.SUBRULE(this.identifier).name) });
    this.CONSUME(RParen);
    return names;
  });

  private valuesList = this.RULE("valuesList", (): A.Expression[] => {
    const values: A.Expression[] = [];
    this.CONSUME(LParen);
    this.MANY_SEP({ SEP: Comma, DEF: () => values.push(this.SUBRULE(this.valueExpression)) });
    this.CONSUME(RParen);
    return values;
  });

  private dropStatement = this.RULE("dropStatement", (): A.DropSource => {
    const start = this.CONSUME(DROP);
    const sourceType = this.OR([
      { ALT: () => (this.CONSUME(STREAM), "STREAM" as const) },
      { ALT: () => (this.CONSUME(TABLE), "TABLE" as const) },
    ]);
    let ifExists = false;
    let deleteTopic = false;
    this.OPTION(() => {
      this.CONSUME(IF);
      this.CONSUME(EXISTS);
      ifExists = true;
    });
    const name = this.SUBRULE(this.sourceName);
    this.OPTION1(() => {
      this.CONSUME(DELETE);
      this.CONSUME(TOPIC);
      deleteTopic = true;
    });
    return {
      kind: "DropSource",
      sourceType,
      ifExists,
      name: name.name,
      nameLoc: this.identLoc(name.token),
      deleteTopic,
      text: "",
      loc: this.locFrom(start),
    };
  });

  private listStatement = this.RULE("listStatement", (): A.ListStatement => {
    const start = this.OR([{ ALT: () => this.CONSUME(SHOW) }, { ALT: () => this.CONSUME(LIST) }]);
    let all = false;
    let extended = false;
    const target = this.OR1([
      {
        ALT: () => {
          this.OPTION(() => {
            this.CONSUME(ALL);
            all = true;
          });
          this.CONSUME(TOPICS);
          return "TOPICS" as const;
        },
      },
      { ALT: () => (this.CONSUME(STREAMS), "STREAMS" as const) },
      { ALT: () => (this.CONSUME(TABLES), "TABLES" as const) },
      { ALT: () => (this.CONSUME(QUERIES), "QUERIES" as const) },
      { ALT: () => (this.CONSUME(PROPERTIES), "PROPERTIES" as const) },
      { ALT: () => (this.CONSUME(FUNCTIONS), "FUNCTIONS" as const) },
    ]);
    this.OPTION1({
      GATE: () => target !== "PROPERTIES" && target !== "FUNCTIONS",
      DEF: () => {
        this.CONSUME(EXTENDED);
        extended = true;
      },
    });
    return { kind: "List", target, extended, all, text: "", loc: this.locFrom(start) };
  });

  private describeStatement = this.RULE("describeStatement", (): A.Describe | A.DescribeFunction => {
    const start = this.CONSUME(DESCRIBE);
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        {
          GATE: () => is(this.LA(1), FUNCTION) && this.identLikeAt(2),
          ALT: (): A.DescribeFunction => {
            this.CONSUME(FUNCTION);
            const name = this.SUBRULE(this.identifier);
            return { kind: "DescribeFunction", name: name.name, text: "", loc: this.locFrom(start) };
          },
        },
        {
          ALT: (): A.Describe => {
            let extended = false;
            // ksqlDB writes EXTENDED after the name; the form before it is accepted too.
            this.OPTION1(() => {
              this.CONSUME1(EXTENDED);
              extended = true;
            });
            const name = this.SUBRULE1(this.sourceName);
            this.OPTION(() => {
              this.CONSUME(EXTENDED);
              extended = true;
            });
            return { kind: "Describe", name: name.name, nameLoc: this.identLoc(name.token), extended, text: "", loc: this.locFrom(start) };
          },
        },
      ],
    });
  });

  private explainStatement = this.RULE("explainStatement", (): A.Explain => {
    const start = this.CONSUME(EXPLAIN);
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        {
          GATE: () => !this.identLikeAt(1) || is(this.LA(1), SHOW) || is(this.LA(1), SET) || is(this.LA(1), EXPLAIN),
          ALT: (): A.Explain => {
            const statement = this.SUBRULE(this.statement);
            return { kind: "Explain", statement, text: "", loc: this.locFrom(start) };
          },
        },
        {
          ALT: (): A.Explain => {
            const id = this.SUBRULE(this.identifier);
            return { kind: "Explain", queryId: id.name, text: "", loc: this.locFrom(start) };
          },
        },
      ],
    });
  });

  private terminateStatement = this.RULE("terminateStatement", (): A.Terminate => {
    const start = this.CONSUME(TERMINATE);
    return this.OR([
      { ALT: () => (this.CONSUME(ALL), { kind: "Terminate" as const, all: true, text: "", loc: this.locFrom(start) }) },
      {
        ALT: () => {
          const id = this.SUBRULE(this.identifier);
          return { kind: "Terminate" as const, all: false, queryId: id.name, text: "", loc: this.locFrom(start) };
        },
      },
    ]);
  });

  private printStatement = this.RULE("printStatement", (): A.Print => {
    const start = this.CONSUME(PRINT);
    const topic = this.OR([
      { ALT: () => unquoteString(this.CONSUME(StringLiteral).image) },
      // An unquoted topic name keeps its case: topics are case-sensitive.
      { ALT: () => this.SUBRULE(this.identifier).token?.image ?? "" },
    ]);
    let fromBeginning = false;
    this.OPTION(() => {
      this.CONSUME(FROM);
      this.CONSUME(BEGINNING);
      fromBeginning = true;
    });
    const interval = this.OPTION1(() => {
      this.OR1([{ ALT: () => this.CONSUME(INTERVAL) }, { ALT: () => this.CONSUME(SAMPLE) }]);
      return this.SUBRULE(this.positiveInteger);
    });
    const limit = this.OPTION2(() => {
      this.CONSUME(LIMIT);
      return this.SUBRULE1(this.positiveInteger);
    });
    return {
      kind: "Print",
      topic,
      fromBeginning,
      ...(interval !== undefined ? { interval } : {}),
      ...(limit !== undefined ? { limit } : {}),
      text: "",
      loc: this.locFrom(start),
    };
  });

  private setStatement = this.RULE("setStatement", (): A.SetProperty => {
    const start = this.CONSUME(SET);
    const name = unquoteString(this.CONSUME(StringLiteral).image);
    this.CONSUME(Equals);
    const value = unquoteString(this.CONSUME1(StringLiteral).image);
    return { kind: "SetProperty", name, value, text: "", loc: this.locFrom(start) };
  });

  private unsetStatement = this.RULE("unsetStatement", (): A.UnsetProperty => {
    const start = this.CONSUME(UNSET);
    const name = unquoteString(this.CONSUME(StringLiteral).image);
    return { kind: "UnsetProperty", name, text: "", loc: this.locFrom(start) };
  });

  // -------------------------------------------------------------------------------------
  // DDL pieces

  private tableElements = this.RULE("tableElements", (): A.TableElement[] => {
    const elements: A.TableElement[] = [];
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => elements.push(this.SUBRULE(this.tableElement)) });
    this.CONSUME(RParen);
    return elements;
  });

  private tableElement = this.RULE("tableElement", (): A.TableElement => {
    const name = this.SUBRULE(this.identifier);
    const type = this.SUBRULE(this.type);
    const element: A.TableElement = { name: name.name, type, loc: this.identLoc(name.token) };
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(PRIMARY);
            this.CONSUME(KEY);
            element.constraint = "PRIMARY KEY";
          },
        },
        {
          ALT: () => {
            this.CONSUME1(KEY);
            element.constraint = "KEY";
          },
        },
        {
          ALT: () => {
            this.CONSUME(HEADERS);
            element.constraint = "HEADERS";
          },
        },
        {
          ALT: () => {
            this.CONSUME(HEADER);
            this.CONSUME(LParen);
            element.headerKey = unquoteString(this.CONSUME(StringLiteral).image);
            this.CONSUME(RParen);
            element.constraint = "HEADER";
          },
        },
      ]);
    });
    element.loc = this.locFrom(name.token);
    return element;
  });

  private tableProperties = this.RULE("tableProperties", (): A.Property[] => {
    const props: A.Property[] = [];
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const start = this.LA(1);
        const name = this.OR([
          { ALT: () => (this.SUBRULE(this.identifier).name ?? "").toUpperCase() },
          { ALT: () => unquoteString(this.CONSUME(StringLiteral).image).toUpperCase() },
        ]);
        this.CONSUME(Equals);
        const value = this.SUBRULE(this.propertyValue);
        props.push({ name, value, loc: this.locFrom(start) });
      },
    });
    this.CONSUME(RParen);
    return props;
  });

  private propertyValue = this.RULE("propertyValue", (): A.PropertyValue => {
    return this.OR([
      { ALT: () => unquoteString(this.CONSUME(StringLiteral).image) },
      { ALT: () => (this.CONSUME(NULL), null) },
      { ALT: () => (this.CONSUME(TRUE), true) },
      { ALT: () => (this.CONSUME(FALSE), false) },
      { ALT: () => Number(this.SUBRULE(this.signedNumber).text) },
    ]);
  });

  private sourceName = this.RULE("sourceName", (): Ident => {
    const id = this.SUBRULE(this.identifier);
    this.ACTION(() => {
      if (!/^[A-Za-z0-9_-]*$/.test(id.name)) {
        this.fail(id.token, `Illegal source name '${id.name}': source names may only contain alphanumeric values, '_' or '-'`);
      }
    });
    return id;
  });

  // -------------------------------------------------------------------------------------
  // Types

  public type = this.RULE("type", (): SqlType => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        {
          GATE: () => is(this.LA(2), Less),
          ALT: () => {
            this.CONSUME(ARRAY);
            this.CONSUME(Less);
            const element = this.SUBRULE(this.type);
            this.CONSUME(Greater);
            return SqlTypes.array(element);
          },
        },
        {
          GATE: () => is(this.LA(2), Less),
          ALT: () => {
            this.CONSUME(MAP);
            this.CONSUME1(Less);
            const key = this.SUBRULE1(this.type);
            this.CONSUME(Comma);
            const value = this.SUBRULE2(this.type);
            this.CONSUME1(Greater);
            return SqlTypes.map(key, value);
          },
        },
        {
          GATE: () => is(this.LA(2), Less),
          ALT: () => {
            this.CONSUME(STRUCT);
            this.CONSUME2(Less);
            const fields: SqlStructField[] = [];
            this.MANY_SEP({
              SEP: Comma,
              DEF: () => {
                const name = this.SUBRULE(this.identifier);
                const type = this.SUBRULE3(this.type);
                fields.push({ name: name.name, type });
              },
            });
            this.CONSUME2(Greater);
            return SqlTypes.struct(fields);
          },
        },
        {
          ALT: () => {
            const start = this.CONSUME(DECIMAL);
            this.CONSUME(LParen);
            const p = this.CONSUME(IntegerLiteral);
            this.CONSUME1(Comma);
            const s = this.CONSUME1(IntegerLiteral);
            this.CONSUME(RParen);
            let t: SqlType = SqlTypes.INTEGER;
            this.ACTION(() => {
              try {
                t = SqlTypes.decimal(Number(p.image), Number(s.image));
              } catch (e) {
                this.fail(start, (e as Error).message);
              }
            });
            return t;
          },
        },
        {
          ALT: () => {
            const name = this.SUBRULE1(this.identifier);
            // VARCHAR(255) and friends: ksqlDB accepts and ignores the length.
            this.OPTION(() => {
              this.CONSUME1(LParen);
              this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.CONSUME2(IntegerLiteral) });
              this.CONSUME1(RParen);
            });
            let t: SqlType = SqlTypes.STRING;
            this.ACTION(() => {
              const found = primitiveTypeByName(name.name.toUpperCase());
              if (!found) this.fail(name.token, `Unknown type: ${name.name}`);
              t = found;
            });
            return t;
          },
        },
      ],
    });
  });

  // -------------------------------------------------------------------------------------
  // Queries

  public query = this.RULE("query", (): A.Query => {
    const start = this.CONSUME(SELECT);
    const select: A.SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => select.push(this.SUBRULE(this.selectItem)) });
    this.CONSUME(FROM);
    const from = this.SUBRULE(this.aliasedSource);
    const joins: A.Join[] = [];
    this.MANY(() => joins.push(this.SUBRULE(this.join)));
    const query: A.Query = { kind: "Query", select, from, joins, pull: true, loc: this.locFrom(start) };
    this.OPTION(() => {
      this.CONSUME(WINDOW);
      query.window = this.SUBRULE(this.windowExpression);
    });
    this.OPTION1(() => {
      this.CONSUME(WHERE);
      query.where = this.SUBRULE(this.expression);
    });
    this.OPTION2(() => {
      this.CONSUME(GROUP);
      this.CONSUME(BY);
      query.groupBy = this.SUBRULE(this.expressionGroup);
    });
    this.OPTION3(() => {
      this.CONSUME(PARTITION);
      this.CONSUME1(BY);
      query.partitionBy = this.SUBRULE1(this.expressionGroup);
    });
    this.OPTION4(() => {
      this.CONSUME(HAVING);
      query.having = this.SUBRULE1(this.expression);
    });
    this.OPTION5(() => {
      this.CONSUME(EMIT);
      query.emit = this.OR([{ ALT: () => (this.CONSUME(CHANGES), "CHANGES" as const) }, { ALT: () => (this.CONSUME(FINAL), "FINAL" as const) }]);
      query.pull = false;
    });
    this.OPTION6(() => {
      this.CONSUME(LIMIT);
      query.limit = this.SUBRULE(this.positiveInteger);
    });
    query.loc = this.locFrom(start);
    return query;
  });

  /** GROUP BY / PARTITION BY: `a, b` or `(a, b)`. */
  private expressionGroup = this.RULE("expressionGroup", (): A.Expression[] => {
    const list: A.Expression[] = [];
    this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        {
          GATE: () => this.parenthesisedList(),
          ALT: () => {
            this.CONSUME(LParen);
            this.MANY_SEP({ SEP: Comma, DEF: () => list.push(this.SUBRULE(this.valueExpression)) });
            this.CONSUME(RParen);
          },
        },
        { ALT: () => this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => list.push(this.SUBRULE1(this.valueExpression)) }) },
      ],
    });
    return list;
  });

  /** True at `(` whose group has a top-level comma or is empty: a list, not a parenthesised expression. */
  private parenthesisedList(): boolean {
    if (!is(this.LA(1), LParen)) return false;
    if (is(this.LA(2), RParen)) return true;
    let depth = 0;
    for (let i = 1; ; i++) {
      const t = this.LA(i);
      if (t.tokenType === EOF) return false;
      if (is(t, LParen) || is(t, LBracket)) depth++;
      else if (is(t, RParen) || is(t, RBracket)) {
        depth--;
        if (depth === 0) return false;
      } else if (is(t, Comma) && depth === 1) return true;
    }
  }

  private selectItem = this.RULE("selectItem", (): A.SelectItem => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        {
          GATE: () => is(this.LA(1), Star),
          ALT: (): A.SelectItem => {
            const star = this.CONSUME(Star);
            return { kind: "AllColumns", loc: this.locFrom(star) };
          },
        },
        {
          GATE: () => this.identLikeAt(1) && is(this.LA(2), Dot) && is(this.LA(3), Star),
          ALT: (): A.SelectItem => {
            const source = this.SUBRULE(this.identifier);
            this.CONSUME(Dot);
            this.CONSUME1(Star);
            return { kind: "AllColumns", source: source.name, loc: this.locFrom(source.token) };
          },
        },
        {
          ALT: (): A.SelectItem => {
            const start = this.LA(1);
            const expression = this.SUBRULE(this.expression);
            return this.OR1({
              IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
              DEF: [
                {
                  GATE: () => is(this.LA(1), Arrow) && is(this.LA(2), Star),
                  ALT: (): A.SelectItem => {
                    this.CONSUME(Arrow);
                    this.CONSUME2(Star);
                    return { kind: "StructAll", base: expression, loc: this.locFrom(start) };
                  },
                },
                {
                  ALT: (): A.SelectItem => {
                    const alias = this.OPTION(() => {
                      this.OPTION1(() => this.CONSUME(AS));
                      return this.SUBRULE1(this.identifier).name;
                    });
                    return { kind: "SingleColumn", expression, ...(alias !== undefined ? { alias } : {}), loc: this.locFrom(start) };
                  },
                },
              ],
            });
          },
        },
      ],
    });
  });

  private aliasedSource = this.RULE("aliasedSource", (): A.AliasedSource => {
    const name = this.SUBRULE(this.sourceName);
    const alias = this.OPTION({
      GATE: () => is(this.LA(1), AS) || this.aliasFollows(),
      DEF: () => {
        this.OPTION1(() => this.CONSUME(AS));
        return this.SUBRULE1(this.sourceName).name;
      },
    });
    return { name: name.name, ...(alias !== undefined ? { alias } : {}), loc: this.locFrom(name.token) };
  });

  private join = this.RULE("join", (): A.Join => {
    const start = this.LA(1);
    const type = this.OR([
      {
        ALT: () => {
          this.CONSUME(FULL);
          this.OPTION1(() => this.CONSUME(OUTER));
          return "FULL" as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(LEFT);
          this.OPTION2(() => this.CONSUME1(OUTER));
          return "LEFT" as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(RIGHT);
          this.OPTION3(() => this.CONSUME2(OUTER));
          return "RIGHT" as const;
        },
      },
      // The empty alternative (a bare JOIN) has to come last.
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(INNER));
          return "INNER" as const;
        },
      },
    ]);
    this.CONSUME(JOIN);
    const source = this.SUBRULE(this.aliasedSource);
    const within = this.OPTION4(() => this.SUBRULE(this.joinWithin));
    this.CONSUME(ON);
    const on = this.SUBRULE(this.expression);
    return { type, source, ...(within ? { within } : {}), on, loc: this.locFrom(start) };
  });

  private joinWithin = this.RULE("joinWithin", (): A.JoinWithin => {
    const start = this.CONSUME(WITHIN);
    const range = this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          const b = this.SUBRULE(this.duration);
          this.CONSUME(Comma);
          const a = this.SUBRULE1(this.duration);
          this.CONSUME(RParen);
          return { before: b, after: a };
        },
      },
      {
        ALT: () => {
          const d = this.SUBRULE2(this.duration);
          return { before: d, after: d };
        },
      },
    ]);
    const grace = this.OPTION(() => this.SUBRULE(this.gracePeriod));
    return { before: range.before, after: range.after, ...(grace ? { grace } : {}), loc: this.locFrom(start) };
  });

  private gracePeriod = this.RULE("gracePeriod", (): A.Duration => {
    this.CONSUME(GRACE);
    this.CONSUME(PERIOD);
    return this.SUBRULE(this.duration);
  });

  private duration = this.RULE("duration", (): A.Duration => {
    const start = this.LA(1);
    const n = this.SUBRULE(this.signedNumber);
    const unitToken = this.CONSUME(TimeUnitToken);
    const unit = TIME_UNIT_NAMES[(unitToken.image ?? "").toUpperCase()] ?? "MILLISECONDS";
    let value = 0;
    this.ACTION(() => {
      if (n.kind !== "integer") this.fail(n.token, `Value must be integer for a duration, got ${n.text}`);
      value = Number(n.text);
    });
    return { value, unit, ms: value * (TIME_UNIT_MS[unit]), loc: this.locFrom(start) };
  });

  private windowExpression = this.RULE("windowExpression", (): A.WindowExpression => {
    return this.OR([
      {
        ALT: (): A.WindowExpression => {
          const start = this.CONSUME(TUMBLING);
          this.CONSUME(LParen);
          this.CONSUME(SIZE);
          const size = this.SUBRULE(this.duration);
          const more = this.SUBRULE(this.windowClauses);
          this.CONSUME(RParen);
          return { kind: "TUMBLING", size, ...more, loc: this.locFrom(start) };
        },
      },
      {
        ALT: (): A.WindowExpression => {
          const start = this.CONSUME(HOPPING);
          this.CONSUME1(LParen);
          this.CONSUME1(SIZE);
          const size = this.SUBRULE1(this.duration);
          this.CONSUME(Comma);
          this.CONSUME(ADVANCE);
          this.CONSUME(BY);
          const advance = this.SUBRULE2(this.duration);
          const more = this.SUBRULE1(this.windowClauses);
          this.CONSUME1(RParen);
          return { kind: "HOPPING", size, advance, ...more, loc: this.locFrom(start) };
        },
      },
      {
        ALT: (): A.WindowExpression => {
          const start = this.CONSUME(SESSION);
          this.CONSUME2(LParen);
          const gap = this.SUBRULE3(this.duration);
          const more = this.SUBRULE2(this.windowClauses);
          this.CONSUME2(RParen);
          return { kind: "SESSION", gap, ...more, loc: this.locFrom(start) };
        },
      },
    ]);
  });

  /** `, RETENTION n unit` then `, GRACE PERIOD n unit`, each optional, in that order. */
  private windowClauses = this.RULE("windowClauses", (): WindowClauses => {
    const clauses: WindowClauses = {};
    this.OPTION(() => {
      this.CONSUME(Comma);
      this.CONSUME(RETENTION);
      clauses.retention = this.SUBRULE(this.duration);
    });
    this.OPTION1(() => {
      this.CONSUME1(Comma);
      clauses.grace = this.SUBRULE(this.gracePeriod);
    });
    return clauses;
  });

  private positiveInteger = this.RULE("positiveInteger", (): number => {
    const n = this.SUBRULE(this.signedNumber);
    let value = 0;
    this.ACTION(() => {
      if (n.kind !== "integer") this.fail(n.token, `Value must be integer, got ${n.text}`);
      value = Number(n.text);
    });
    return value;
  });

  private signedNumber = this.RULE("signedNumber", (): NumberValue => {
    const minus = this.OPTION(() => this.CONSUME(Minus));
    const n = this.OR([
      { ALT: () => ({ kind: "integer" as const, token: this.CONSUME(IntegerLiteral) }) },
      { ALT: () => ({ kind: "decimal" as const, token: this.CONSUME(DecimalLiteral) }) },
      { ALT: () => ({ kind: "float" as const, token: this.CONSUME(FloatLiteral) }) },
    ]);
    // `n` is a placeholder while Chevrotain records the grammar.
    return { kind: n.kind, text: (minus ? "-" : "") + (n.token?.image ?? ""), token: minus ?? n.token };
  });

  // -------------------------------------------------------------------------------------
  // Expressions

  public expression = this.RULE("expression", (): A.Expression => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      this.CONSUME(OR);
      const right = this.SUBRULE1(this.andExpression);
      left = { kind: "Logical", op: "OR", left, right, loc: this.locFrom(start) };
    });
    return left;
  });

  private andExpression = this.RULE("andExpression", (): A.Expression => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      this.CONSUME(AND);
      const right = this.SUBRULE1(this.notExpression);
      left = { kind: "Logical", op: "AND", left, right, loc: this.locFrom(start) };
    });
    return left;
  });

  private notExpression = this.RULE("notExpression", (): A.Expression => {
    return this.OR([
      {
        ALT: (): A.Expression => {
          const start = this.CONSUME(NOT);
          const operand = this.SUBRULE(this.notExpression);
          return { kind: "Not", operand, loc: this.locFrom(start) };
        },
      },
      { ALT: () => this.SUBRULE(this.predicated) },
    ]);
  });

  private predicated = this.RULE("predicated", (): A.Expression => {
    const start = this.LA(1);
    const value = this.SUBRULE(this.valueExpression);
    const result = this.OPTION(() => this.SUBRULE(this.predicate, { ARGS: [value, start] }));
    return result ?? value;
  });

  private predicate = this.RULE("predicate", (value?: A.Expression, start?: IToken): A.Expression => {
    const v = value as A.Expression;
    const s = start as IToken;
    return this.OR([
      {
        ALT: (): A.Expression => {
          const op = this.SUBRULE(this.comparisonOperator);
          const right = this.SUBRULE(this.valueExpression);
          return { kind: "Comparison", op, left: v, right, loc: this.locFrom(s) };
        },
      },
      {
        ALT: (): A.Expression => {
          const negated = this.OPTION(() => this.CONSUME(NOT)) !== undefined;
          return this.OR1([
            {
              ALT: (): A.Expression => {
                this.CONSUME(BETWEEN);
                const low = this.SUBRULE1(this.valueExpression);
                this.CONSUME(AND);
                const high = this.SUBRULE2(this.valueExpression);
                return { kind: "Between", value: v, low, high, negated, loc: this.locFrom(s) };
              },
            },
            {
              ALT: (): A.Expression => {
                this.CONSUME(IN);
                this.CONSUME(LParen);
                const list: A.Expression[] = [];
                this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
                this.CONSUME(RParen);
                return { kind: "InList", value: v, list, negated, loc: this.locFrom(s) };
              },
            },
            {
              ALT: (): A.Expression => {
                this.CONSUME(LIKE);
                const pattern = this.SUBRULE3(this.valueExpression);
                const escape = this.OPTION1(() => {
                  this.CONSUME(ESCAPE);
                  return this.CONSUME(StringLiteral);
                });
                let esc: string | undefined;
                this.ACTION(() => {
                  if (escape) {
                    esc = unquoteString(escape.image);
                    if (esc.length !== 1) this.fail(escape, `Expected single character escape but got: ${esc}`);
                  }
                });
                return { kind: "Like", value: v, pattern, ...(esc !== undefined ? { escape: esc } : {}), negated, loc: this.locFrom(s) };
              },
            },
          ]);
        },
      },
      {
        ALT: (): A.Expression => {
          this.CONSUME(IS);
          const negated = this.OPTION2(() => this.CONSUME1(NOT)) !== undefined;
          return this.OR2([
            {
              ALT: (): A.Expression => {
                this.CONSUME(NULL);
                return { kind: "IsNull", value: v, negated, loc: this.locFrom(s) };
              },
            },
            {
              ALT: (): A.Expression => {
                this.CONSUME(DISTINCT);
                this.CONSUME(FROM);
                const right = this.SUBRULE4(this.valueExpression);
                const op = negated ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM";
                return { kind: "Comparison", op, left: v, right, loc: this.locFrom(s) };
              },
            },
          ]);
        },
      },
    ]);
  });

  private comparisonOperator = this.RULE("comparisonOperator", (): A.ComparisonOperator => {
    return this.OR([
      { ALT: () => (this.CONSUME(Equals), "=" as const) },
      { ALT: () => (this.CONSUME(NotEquals), "<>" as const) },
      { ALT: () => (this.CONSUME(LessEq), "<=" as const) },
      { ALT: () => (this.CONSUME(GreaterEq), ">=" as const) },
      { ALT: () => (this.CONSUME(Less), "<" as const) },
      { ALT: () => (this.CONSUME(Greater), ">" as const) },
    ]);
  });

  /** `||` is the loosest value operator and becomes CONCAT(left, right), as in ksqlDB. */
  public valueExpression = this.RULE("valueExpression", (): A.Expression => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(Concat);
      const right = this.SUBRULE1(this.additive);
      left = { kind: "FunctionCall", name: "CONCAT", args: [left, right], star: false, loc: this.locFrom(start) };
    });
    return left;
  });

  private additive = this.RULE("additive", (): A.Expression => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => (this.CONSUME(Plus), "+" as const) }, { ALT: () => (this.CONSUME(Minus), "-" as const) }]);
      const right = this.SUBRULE1(this.multiplicative);
      left = { kind: "Arithmetic", op, left, right, loc: this.locFrom(start) };
    });
    return left;
  });

  private multiplicative = this.RULE("multiplicative", (): A.Expression => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => (this.CONSUME(Star), "*" as const) },
        { ALT: () => (this.CONSUME(Slash), "/" as const) },
        { ALT: () => (this.CONSUME(Percent), "%" as const) },
      ]);
      const right = this.SUBRULE1(this.unary);
      left = { kind: "Arithmetic", op, left, right, loc: this.locFrom(start) };
    });
    return left;
  });

  private unary = this.RULE("unary", (): A.Expression => {
    return this.OR([
      {
        ALT: (): A.Expression => {
          const signToken = this.OR1([{ ALT: () => this.CONSUME(Minus) }, { ALT: () => this.CONSUME(Plus) }]);
          const operand = this.SUBRULE(this.unary);
          const sign = is(signToken, Minus) ? "-" : "+";
          const loc = this.locFrom(signToken);
          // `-5` is the literal -5 (ksqlDB's `number: MINUS? INTEGER_VALUE`), so that
          // -2147483648 is still an INTEGER.
          if (sign === "-") {
            const folded = negateLiteral(operand, loc);
            if (folded) return folded;
          }
          return { kind: "UnaryArithmetic", sign, operand, loc };
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  private postfix = this.RULE("postfix", (): A.Expression => {
    const start = this.LA(1);
    let base = this.SUBRULE(this.primary);
    this.MANY({
      GATE: () => is(this.LA(1), LBracket) || (is(this.LA(1), Arrow) && !is(this.LA(2), Star)),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(LBracket);
              const index = this.SUBRULE(this.valueExpression);
              this.CONSUME(RBracket);
              base = { kind: "Subscript", base, index, loc: this.locFrom(start) };
            },
          },
          {
            ALT: () => {
              this.CONSUME(Arrow);
              const field = this.SUBRULE(this.identifier);
              base = { kind: "Dereference", base, field: field.name, loc: this.locFrom(start) };
            },
          },
        ]);
      },
    });
    return base;
  });

  private primary = this.RULE("primary", (): A.Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        { ALT: () => this.SUBRULE(this.literal) },
        { GATE: () => is(this.LA(2), WHEN), ALT: () => this.SUBRULE(this.searchedCase) },
        { ALT: () => this.SUBRULE(this.simpleCase) },
        { ALT: () => this.SUBRULE(this.cast) },
        { GATE: () => is(this.LA(1), ARRAY) && is(this.LA(2), LBracket), ALT: () => this.SUBRULE(this.arrayConstructor) },
        { GATE: () => is(this.LA(1), MAP) && is(this.LA(2), LParen), ALT: () => this.SUBRULE(this.mapConstructor) },
        { GATE: () => is(this.LA(1), STRUCT) && is(this.LA(2), LParen), ALT: () => this.SUBRULE(this.structConstructor) },
        {
          ALT: () => {
            this.CONSUME(LParen);
            const e = this.SUBRULE(this.expression);
            this.CONSUME(RParen);
            return e;
          },
        },
        { ALT: () => this.SUBRULE(this.identifierExpression) },
      ],
    });
  });

  private literal = this.RULE("literal", (): A.Literal => {
    return this.OR([
      { ALT: (): A.Literal => ({ kind: "NullLiteral", loc: this.identLoc(this.CONSUME(NULL)) }) },
      { ALT: (): A.Literal => ({ kind: "BooleanLiteral", value: true, loc: this.identLoc(this.CONSUME(TRUE)) }) },
      { ALT: (): A.Literal => ({ kind: "BooleanLiteral", value: false, loc: this.identLoc(this.CONSUME(FALSE)) }) },
      {
        ALT: (): A.Literal => {
          const t = this.CONSUME(StringLiteral);
          return { kind: "StringLiteral", value: unquoteString(t.image), loc: this.identLoc(t) };
        },
      },
      {
        ALT: (): A.Literal => {
          const t = this.CONSUME(IntegerLiteral);
          let lit: A.Literal = { kind: "IntegerLiteral", value: 0, loc: this.identLoc(t) };
          this.ACTION(() => {
            lit = integerLiteral(t.image, this.identLoc(t), () => this.fail(t, `Invalid numeric literal: ${t.image}`));
          });
          return lit;
        },
      },
      {
        ALT: (): A.Literal => {
          const t = this.CONSUME(DecimalLiteral);
          return { kind: "DecimalLiteral", text: t.image, loc: this.identLoc(t) };
        },
      },
      {
        ALT: (): A.Literal => {
          const t = this.CONSUME(FloatLiteral);
          const value = Number(t.image);
          this.ACTION(() => {
            if (!Number.isFinite(value)) this.fail(t, `Number overflows DOUBLE: ${t.image}`);
          });
          return { kind: "DoubleLiteral", value, loc: this.identLoc(t) };
        },
      },
    ]);
  });

  private searchedCase = this.RULE("searchedCase", (): A.Expression => {
    const start = this.CONSUME(CASE);
    const whens: A.WhenClause[] = [];
    this.AT_LEAST_ONE(() => whens.push(this.SUBRULE(this.whenClause)));
    const otherwise = this.OPTION(() => {
      this.CONSUME(ELSE);
      return this.SUBRULE(this.expression);
    });
    this.CONSUME(END);
    return { kind: "SearchedCase", whens, ...(otherwise ? { else: otherwise } : {}), loc: this.locFrom(start) };
  });

  private simpleCase = this.RULE("simpleCase", (): A.Expression => {
    const start = this.CONSUME(CASE);
    const operand = this.SUBRULE(this.valueExpression);
    const whens: A.WhenClause[] = [];
    this.AT_LEAST_ONE(() => whens.push(this.SUBRULE(this.whenClause)));
    const otherwise = this.OPTION(() => {
      this.CONSUME(ELSE);
      return this.SUBRULE(this.expression);
    });
    this.CONSUME(END);
    return { kind: "SimpleCase", operand, whens, ...(otherwise ? { else: otherwise } : {}), loc: this.locFrom(start) };
  });

  private whenClause = this.RULE("whenClause", (): A.WhenClause => {
    const start = this.CONSUME(WHEN);
    const when = this.SUBRULE(this.expression);
    this.CONSUME(THEN);
    const then = this.SUBRULE1(this.expression);
    return { when, then, loc: this.locFrom(start) };
  });

  private cast = this.RULE("cast", (): A.Expression => {
    const start = this.CONSUME(CAST);
    this.CONSUME(LParen);
    const value = this.SUBRULE(this.expression);
    this.CONSUME(AS);
    const type = this.SUBRULE(this.type);
    this.CONSUME(RParen);
    return { kind: "Cast", value, type, loc: this.locFrom(start) };
  });

  private arrayConstructor = this.RULE("arrayConstructor", (): A.Expression => {
    const start = this.CONSUME(ARRAY);
    this.CONSUME(LBracket);
    const elements: A.Expression[] = [];
    this.MANY_SEP({ SEP: Comma, DEF: () => elements.push(this.SUBRULE(this.expression)) });
    this.CONSUME(RBracket);
    return { kind: "ArrayConstructor", elements, loc: this.locFrom(start) };
  });

  private mapConstructor = this.RULE("mapConstructor", (): A.Expression => {
    const start = this.CONSUME(MAP);
    this.CONSUME(LParen);
    const entries: { key: A.Expression; value: A.Expression }[] = [];
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        const key = this.SUBRULE(this.expression);
        this.CONSUME(Assign);
        const value = this.SUBRULE1(this.expression);
        entries.push({ key, value });
      },
    });
    this.CONSUME(RParen);
    return { kind: "MapConstructor", entries, loc: this.locFrom(start) };
  });

  private structConstructor = this.RULE("structConstructor", (): A.Expression => {
    const start = this.CONSUME(STRUCT);
    this.CONSUME(LParen);
    const fields: { name: string; value: A.Expression; loc: A.Loc }[] = [];
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        const name = this.SUBRULE(this.identifier);
        this.CONSUME(Assign);
        const value = this.SUBRULE(this.expression);
        fields.push({ name: name.name, value, loc: this.locFrom(name.token) });
      },
    });
    this.CONSUME(RParen);
    return { kind: "StructConstructor", fields, loc: this.locFrom(start) };
  });

  /** A column (`c`, `src.c`) or a function call (`f(...)`, `COUNT(*)`). */
  private identifierExpression = this.RULE("identifierExpression", (): A.Expression => {
    const first = this.SUBRULE(this.identifier);
    return this.OR([
      {
        ALT: (): A.Expression => {
          this.CONSUME(LParen);
          const call: A.FunctionCall = { kind: "FunctionCall", name: first.name, args: [], star: false, loc: this.identLoc(first.token) };
          this.OR1({
            IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
            DEF: [
              {
                ALT: () => {
                  this.CONSUME(Star);
                  call.star = true;
                },
              },
              { ALT: () => this.MANY_SEP({ SEP: Comma, DEF: () => call.args.push(this.SUBRULE(this.functionArgument)) }) },
            ],
          });
          this.CONSUME(RParen);
          call.loc = this.locFrom(first.token);
          return call;
        },
      },
      {
        ALT: (): A.Expression => {
          this.CONSUME(Dot);
          const column = this.SUBRULE1(this.identifier);
          return { kind: "ColumnRef", source: first.name, name: column.name, loc: this.locFrom(first.token) };
        },
      },
      { ALT: (): A.Expression => ({ kind: "ColumnRef", name: first.name, loc: this.identLoc(first.token) }) },
    ]);
  });

  private functionArgument = this.RULE("functionArgument", (): A.Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      MAX_LOOKAHEAD: 1,
      DEF: [
        {
          GATE: () => is(this.LA(1), TimeUnitToken) && (is(this.LA(2), Comma) || is(this.LA(2), RParen)),
          ALT: (): A.Expression => {
            const t = this.CONSUME(TimeUnitToken);
            return { kind: "TimeUnitArgument", unit: TIME_UNIT_NAMES[(t.image ?? "").toUpperCase()] ?? "MILLISECONDS", loc: this.identLoc(t) };
          },
        },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    });
  });

  public identifier = this.RULE("identifier", (): Ident => {
    const token = this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(NonReserved) },
      { ALT: () => this.CONSUME(QuotedIdentifier) },
      { ALT: () => this.CONSUME(BackQuotedIdentifier) },
      { ALT: () => this.CONSUME(DigitIdentifier) },
    ]);
    return { name: identifierText(token), token };
  });
}

function integerLiteral(text: string, loc: A.Loc, invalid: () => never): A.Literal {
  const big = BigInt(text);
  if (big > LONG_MAX || big < -LONG_MAX - 1n) invalid();
  const value = Number(big);
  if (value >= INT_MIN && value <= INT_MAX) return { kind: "IntegerLiteral", value, loc };
  return { kind: "BigintLiteral", value, text: big.toString(), loc };
}

function negateLiteral(e: A.Expression, loc: A.Loc): A.Literal | undefined {
  switch (e.kind) {
    case "IntegerLiteral":
    case "BigintLiteral": {
      const text = e.kind === "BigintLiteral" ? e.text : String(e.value);
      return integerLiteral(text.startsWith("-") ? text.slice(1) : "-" + text, loc, () => {
        throw new SqlSyntaxError(`Invalid numeric literal: -${text}`, loc, text);
      });
    }
    case "DecimalLiteral":
      return { kind: "DecimalLiteral", text: e.text.startsWith("-") ? e.text.slice(1) : "-" + e.text, loc };
    case "DoubleLiteral":
      return { kind: "DoubleLiteral", value: -e.value, loc };
    default:
      return undefined;
  }
}

let instance: KsqlParser | undefined;

/** The parser is built once: Chevrotain's grammar analysis is the expensive part. */
export function ksqlParser(): KsqlParser {
  instance ??= new KsqlParser();
  return instance;
}
