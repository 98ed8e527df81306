/** Where a JSON text stops being valid, and why (worded without quoting the text). */
export interface JsonSyntaxProblem {
  /** 1-based line. */
  line: number;
  /** 1-based column (UTF-16 code units). */
  column: number;
  reason: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /[0-9a-fA-F]{4}/y;

/**
 * Locates the first JSON syntax error in `text` (RFC 8259), or returns undefined when the text is
 * valid JSON. `JSON.parse` messages quote the text around the error and, on some Node versions,
 * give no position; this gives the position and a reason only.
 */
export function findJsonSyntaxError(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new Stop(at, at >= text.length ? 'unexpected end of input' : reason);
  };
  const skipWhitespace = (): void => {
    while (i < text.length && WHITESPACE.has(text[i])) i++;
  };
  const expect = (char: string, reason: string): void => {
    if (text[i] !== char) fail(reason);
    i++;
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          HEX4.lastIndex = i + 2;
          if (!HEX4.test(text)) fail('bad \\u escape in a string', i);
          i += 6;
        } else if (e !== undefined && ESCAPES.has(e)) i += 2;
        else fail('bad escape in a string', i);
      } else if (c.charCodeAt(0) < 0x20) fail('control character in a string');
      else i++;
    }
  };
  const literal = (word: string): void => {
    if (!text.startsWith(word, i)) fail('unexpected character');
    i += word.length;
  };
  const value = (): void => {
    skipWhitespace();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail('bad number');
      i = NUMBER.lastIndex;
    } else fail('unexpected character');
  };
  const object = (): void => {
    i++;
    skipWhitespace();
    if (text[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (text[i] !== '"') fail('expected a property name in double quotes');
      string();
      skipWhitespace();
      expect(':', "expected ':' after a property name");
      value();
      skipWhitespace();
      if (text[i] === ',') i++;
      else return expect('}', "expected ',' or '}' after a property value");
    }
  };
  const array = (): void => {
    i++;
    skipWhitespace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      skipWhitespace();
      if (text[i] === ',') i++;
      else return expect(']', "expected ',' or ']' after an array element");
    }
  };

  try {
    value();
    skipWhitespace();
    if (i < text.length) fail('unexpected text after the JSON value');
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    return { ...lineAndColumn(text, err.offset), reason: err.reason };
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - lastBreak };
}
