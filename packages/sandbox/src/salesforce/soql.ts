/**
 * A SOQL parser for the subset the emulator answers: a tokenizer and a recursive-descent parser
 * producing a small AST. Anything outside the subset (subqueries, aggregates and other functions,
 * GROUP BY, WITH, FOR, bind variables, date literals other than the few below) is refused with
 * `MALFORMED_QUERY` rather than answered wrongly. Field and object names are resolved later, against
 * the schema (`INVALID_FIELD` / `INVALID_TYPE`).
 */

export class SoqlError extends Error {
  override readonly name = 'SoqlError';
  readonly errorCode: string;
  constructor(errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE' | string, message: string) {
    super(message);
    this.errorCode = errorCode;
  }
}

const malformed = (message: string) => new SoqlError('MALFORMED_QUERY', message);

// ---------------------------------------------------------------------------------------------
// Tokens

export type Token =
  | { kind: 'ident'; text: string; upper: string; at: number }
  | { kind: 'string'; value: string; pattern: string; at: number }
  | { kind: 'number'; value: number; text: string; at: number }
  | { kind: 'date'; value: string; at: number }
  | { kind: 'datetime'; value: string; at: number }
  | { kind: 'op'; text: '=' | '!=' | '<>' | '<' | '>' | '<=' | '>='; at: number }
  | { kind: 'punct'; text: '(' | ')' | ',' | '.' | ';' | '{' | '}'; at: number }
  | { kind: 'end'; at: number };

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  '"': '"',
  "'": "'",
  '\\': '\\',
};

/**
 * A string literal yields `value` (escapes decoded) and `pattern` (for LIKE: `%` and `_` are
 * wildcards, and every literal character that could be taken for one is kept backslash-escaped).
 */
function readString(source: string, start: number): { value: string; pattern: string; end: number } {
  let value = '';
  let pattern = '';
  let index = start + 1;
  while (index < source.length) {
    const char = source.charAt(index);
    if (char === "'") return { value, pattern, end: index + 1 };
    if (char === '\\') {
      const next = source.charAt(index + 1);
      if (next === '%' || next === '_') {
        value += next;
        pattern += `\\${next}`;
        index += 2;
        continue;
      }
      if (next === 'u') {
        const hex = source.slice(index + 2, index + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw malformed(`Invalid unicode escape at position ${index}.`);
        const decoded = String.fromCharCode(Number.parseInt(hex, 16));
        value += decoded;
        pattern += escapePatternChar(decoded);
        index += 6;
        continue;
      }
      const decoded = SIMPLE_ESCAPES[next];
      if (decoded === undefined) {
        throw malformed(`Invalid string literal: unknown escape sequence \\${next} at position ${index}.`);
      }
      value += decoded;
      pattern += escapePatternChar(decoded);
      index += 2;
      continue;
    }
    value += char;
    pattern += char;
    index += 1;
  }
  throw malformed(`Unterminated string literal starting at position ${start}.`);
}

function escapePatternChar(char: string): string {
  return char === '\\' || char === '%' || char === '_' ? `\\${char}` : char;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})/;
const DATE = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER = /^\d+(\.\d+)?(?![\w.])/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < source.length) {
    const char = source.charAt(index);
    if (/\s/.test(char)) {
      index += 1;
      continue;
    }
    const rest = source.slice(index);
    if (char === "'") {
      const { value, pattern, end } = readString(source, index);
      tokens.push({ kind: 'string', value, pattern, at: index });
      index = end;
      continue;
    }
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      const value = datetime[0];
      if (Number.isNaN(Date.parse(value))) throw malformed(`Invalid datetime literal ${value}.`);
      tokens.push({ kind: 'datetime', value, at: index });
      index += value.length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date) {
      const value = date[0];
      if (Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw malformed(`Invalid date literal ${value}.`);
      tokens.push({ kind: 'date', value, at: index });
      index += value.length;
      continue;
    }
    const signed = (char === '-' || char === '+') && /\d/.test(source.charAt(index + 1));
    const number = NUMBER.exec(signed ? rest.slice(1) : rest);
    if (number && (signed || /\d/.test(char))) {
      const text = (char === '-' ? '-' : '') + number[0];
      tokens.push({ kind: 'number', value: Number(text), text, at: index });
      index += number[0].length + (signed ? 1 : 0);
      continue;
    }
    const ident = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (ident) {
      const text = ident[0];
      tokens.push({ kind: 'ident', text, upper: text.toUpperCase(), at: index });
      index += text.length;
      continue;
    }
    const two = rest.slice(0, 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two, at: index });
      index += 2;
      continue;
    }
    if (char === '=' || char === '<' || char === '>') {
      tokens.push({ kind: 'op', text: char, at: index });
      index += 1;
      continue;
    }
    if (
      char === '(' ||
      char === ')' ||
      char === ',' ||
      char === '.' ||
      char === ';' ||
      char === '{' ||
      char === '}'
    ) {
      tokens.push({ kind: 'punct', text: char, at: index });
      index += 1;
      continue;
    }
    if (char === ':') throw malformed('Bind variables are only valid in Apex code.');
    throw malformed(`Unexpected character '${char}' at position ${index}.`);
  }
  tokens.push({ kind: 'end', at: source.length });
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// AST

/** A field reference as written: `Name` or `Account.Name`. */
export interface FieldRef {
  path: string[];
}

export type Literal =
  | { kind: 'string'; value: string; pattern: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'date'; value: string }
  | { kind: 'datetime'; value: string }
  | { kind: 'relativeDate'; offsetDays: number };

export type CompareOp = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type Condition =
  | { kind: 'and' | 'or'; operands: Condition[] }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; field: FieldRef; op: CompareOp; value: Literal }
  | { kind: 'like'; field: FieldRef; value: Literal }
  | { kind: 'in'; field: FieldRef; values: Literal[]; negated: boolean };

export interface OrderItem {
  field: FieldRef;
  direction: 'ASC' | 'DESC';
  nulls: 'FIRST' | 'LAST';
}

export interface SoqlQuery {
  fields: FieldRef[];
  object: string;
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

/** Clauses and constructs of SOQL that the emulator does not implement: refused by name. */
const UNSUPPORTED = new Set([
  'GROUP',
  'HAVING',
  'WITH',
  'FOR',
  'TYPEOF',
  'USING',
  'INCLUDES',
  'EXCLUDES',
  'UPDATE',
  'ROLLUP',
  'CUBE',
]);

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'OR',
  'NOT',
  'LIKE',
  'IN',
  'ORDER',
  'BY',
  'LIMIT',
  'OFFSET',
  'ASC',
  'DESC',
  'NULLS',
  'FIRST',
  'LAST',
  'NULL',
  'TRUE',
  'FALSE',
  ...UNSUPPORTED,
]);

const RELATIVE_DATES: Record<string, number> = { TODAY: 0, YESTERDAY: -1, TOMORROW: 1 };

export const MAX_OFFSET = 2000;

/** A cursor over tokens with the helpers both the SOQL and the SOSL parsers use. */
export class TokenStream {
  #index = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(ahead = 0): Token {
    const token = this.tokens[Math.min(this.#index + ahead, this.tokens.length - 1)];
    if (token === undefined) throw malformed('Empty query.');
    return token;
  }

  next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.#index += 1;
    return token;
  }

  isKeyword(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'ident' && token.upper === word;
  }

  isPunct(text: string): boolean {
    const token = this.peek();
    return token.kind === 'punct' && token.text === text;
  }

  expectKeyword(word: string): void {
    if (!this.isKeyword(word)) throw unexpected(this.peek(), `expected ${word}`);
    this.next();
  }

  expectPunct(text: string): void {
    if (!this.isPunct(text)) throw unexpected(this.peek(), `expected '${text}'`);
    this.next();
  }
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'ident':
    case 'op':
    case 'punct':
      return token.text;
    case 'number':
      return token.text;
    case 'string':
      return `'${token.value}'`;
    case 'date':
    case 'datetime':
      return token.value;
    case 'end':
      return 'end of query';
  }
}

export function unexpected(token: Token, hint?: string): SoqlError {
  if (token.kind === 'ident' && UNSUPPORTED.has(token.upper)) {
    return malformed(`${token.upper} is not supported by the Salesforce sandbox (position ${token.at}).`);
  }
  if (token.kind === 'punct' && token.text === ';') {
    return malformed(`unexpected token: ';' at position ${token.at}: a request holds exactly one query.`);
  }
  return malformed(
    `unexpected token: ${describeToken(token)} at position ${token.at}${hint ? ` (${hint})` : ''}.`,
  );
}

export function parseFieldRef(stream: TokenStream): FieldRef {
  const path: string[] = [];
  for (;;) {
    const token = stream.next();
    if (token.kind !== 'ident' || RESERVED.has(token.upper)) throw unexpected(token, 'expected a field name');
    path.push(token.text);
    if (!stream.isPunct('.')) break;
    stream.next();
  }
  if (stream.isPunct('(')) {
    throw malformed(
      `Functions such as ${path.join('.')}() are not supported by the Salesforce sandbox (position ${stream.peek().at}).`,
    );
  }
  return { path };
}

function parseLiteral(stream: TokenStream): Literal {
  const token = stream.next();
  switch (token.kind) {
    case 'string':
      return { kind: 'string', value: token.value, pattern: token.pattern };
    case 'number':
      return { kind: 'number', value: token.value };
    case 'date':
      return { kind: 'date', value: token.value };
    case 'datetime':
      return { kind: 'datetime', value: token.value };
    case 'ident': {
      if (token.upper === 'TRUE' || token.upper === 'FALSE')
        return { kind: 'boolean', value: token.upper === 'TRUE' };
      if (token.upper === 'NULL') return { kind: 'null' };
      const relative = RELATIVE_DATES[token.upper];
      if (relative !== undefined) return { kind: 'relativeDate', offsetDays: relative };
      if (stream.isPunct('('))
        throw malformed(`Functions such as ${token.text}() are not supported by the Salesforce sandbox.`);
      throw unexpected(token, 'expected a literal value');
    }
    case 'punct':
      if (token.text === '(' && stream.isKeyword('SELECT')) {
        throw malformed('Semi-join subqueries are not supported by the Salesforce sandbox.');
      }
      throw unexpected(token, 'expected a literal value');
    default:
      throw unexpected(token, 'expected a literal value');
  }
}

/** WHERE: AND and OR may not be mixed at one level without parentheses, as in SOQL. */
export function parseCondition(stream: TokenStream): Condition {
  const first = parseUnary(stream);
  const operands = [first];
  let joiner: 'AND' | 'OR' | undefined;
  while (stream.isKeyword('AND') || stream.isKeyword('OR')) {
    const token = stream.next();
    const word = token.kind === 'ident' ? token.upper : '';
    if (joiner !== undefined && joiner !== word) {
      throw malformed(
        `unexpected token: ${word} at position ${token.at}: use parentheses when mixing AND and OR.`,
      );
    }
    joiner = word === 'AND' ? 'AND' : 'OR';
    operands.push(parseUnary(stream));
  }
  if (joiner === undefined) return first;
  return { kind: joiner === 'AND' ? 'and' : 'or', operands };
}

function parseUnary(stream: TokenStream): Condition {
  if (stream.isKeyword('NOT')) {
    stream.next();
    return { kind: 'not', operand: parseUnary(stream) };
  }
  if (stream.isPunct('(')) {
    stream.next();
    if (stream.isKeyword('SELECT'))
      throw malformed('Subqueries are not supported by the Salesforce sandbox.');
    const inner = parseCondition(stream);
    stream.expectPunct(')');
    return inner;
  }
  return parsePredicate(stream);
}

function parsePredicate(stream: TokenStream): Condition {
  const field = parseFieldRef(stream);
  const token = stream.peek();
  if (token.kind === 'op') {
    stream.next();
    const op: CompareOp = token.text === '<>' ? '!=' : token.text;
    return { kind: 'compare', field, op, value: parseLiteral(stream) };
  }
  if (stream.isKeyword('LIKE')) {
    stream.next();
    return { kind: 'like', field, value: parseLiteral(stream) };
  }
  let negated = false;
  if (stream.isKeyword('NOT') && stream.isKeyword('IN', 1)) {
    stream.next();
    negated = true;
  }
  if (stream.isKeyword('IN')) {
    stream.next();
    stream.expectPunct('(');
    if (stream.isKeyword('SELECT'))
      throw malformed('Semi-join subqueries are not supported by the Salesforce sandbox.');
    const values = [parseLiteral(stream)];
    while (stream.isPunct(',')) {
      stream.next();
      values.push(parseLiteral(stream));
    }
    stream.expectPunct(')');
    return { kind: 'in', field, values, negated };
  }
  throw unexpected(token, 'expected an operator');
}

export function parseOrderBy(stream: TokenStream): OrderItem[] {
  const items: OrderItem[] = [];
  do {
    if (items.length > 0) stream.next(); // the comma
    const field = parseFieldRef(stream);
    let direction: 'ASC' | 'DESC' = 'ASC';
    if (stream.isKeyword('ASC') || stream.isKeyword('DESC')) {
      direction = stream.isKeyword('ASC') ? 'ASC' : 'DESC';
      stream.next();
    }
    // Salesforce's defaults: nulls first when ascending, last when descending.
    let nulls: 'FIRST' | 'LAST' = direction === 'ASC' ? 'FIRST' : 'LAST';
    if (stream.isKeyword('NULLS')) {
      stream.next();
      if (!stream.isKeyword('FIRST') && !stream.isKeyword('LAST')) {
        throw unexpected(stream.peek(), 'expected FIRST or LAST');
      }
      nulls = stream.isKeyword('FIRST') ? 'FIRST' : 'LAST';
      stream.next();
    }
    items.push({ field, direction, nulls });
  } while (stream.isPunct(','));
  return items;
}

/** `LIMIT n` or `OFFSET n` when the next token is that keyword; undefined when the clause is absent. */
export function parseCountClause(stream: TokenStream, clause: 'LIMIT' | 'OFFSET'): number | undefined {
  if (!stream.isKeyword(clause)) return undefined;
  stream.next();
  const token = stream.next();
  if (token.kind !== 'number' || !Number.isInteger(token.value) || token.value < 0) {
    throw unexpected(token, `${clause} takes a non-negative integer`);
  }
  return token.value;
}

/** The optional clauses a SOQL query and a SOSL `RETURNING` item share, in the order they must come. */
export type FilterClauses = Pick<SoqlQuery, 'where' | 'orderBy' | 'limit'>;

/** Parses `[WHERE condition] [ORDER BY items] [LIMIT n]`. */
export function parseFilterClauses(stream: TokenStream): FilterClauses {
  const clauses: FilterClauses = { orderBy: [] };
  if (stream.isKeyword('WHERE')) {
    stream.next();
    clauses.where = parseCondition(stream);
  }
  if (stream.isKeyword('ORDER')) {
    stream.next();
    stream.expectKeyword('BY');
    clauses.orderBy = parseOrderBy(stream);
  }
  const limit = parseCountClause(stream, 'LIMIT');
  if (limit !== undefined) clauses.limit = limit;
  return clauses;
}

/** Parses one SOQL SELECT statement of the supported subset. */
export function parseSoql(source: string): SoqlQuery {
  const stream = new TokenStream(tokenize(source));
  stream.expectKeyword('SELECT');
  const fields: FieldRef[] = [];
  do {
    if (fields.length > 0) stream.next(); // the comma
    if (stream.isPunct('(')) throw malformed('Subqueries are not supported by the Salesforce sandbox.');
    fields.push(parseFieldRef(stream));
  } while (stream.isPunct(','));
  stream.expectKeyword('FROM');
  const objectToken = stream.next();
  if (objectToken.kind !== 'ident' || RESERVED.has(objectToken.upper)) {
    throw unexpected(objectToken, 'expected an object name');
  }
  const afterObject = stream.peek();
  if (afterObject.kind === 'ident' && !RESERVED.has(afterObject.upper)) {
    throw malformed(`Aliases are not supported by the Salesforce sandbox (position ${afterObject.at}).`);
  }
  const query: SoqlQuery = { fields, object: objectToken.text, ...parseFilterClauses(stream) };
  const offset = parseCountClause(stream, 'OFFSET');
  if (offset !== undefined) {
    if (offset > MAX_OFFSET) {
      throw new SoqlError('NUMBER_OUTSIDE_VALID_RANGE', `Maximum SOQL offset allowed is ${MAX_OFFSET}`);
    }
    query.offset = offset;
  }
  const end = stream.peek();
  if (end.kind !== 'end') throw unexpected(end);
  return query;
}
