import { findJsonSyntaxError, lineAndColumn } from './json-syntax-error.js';

describe('findJsonSyntaxError', () => {
  it.each([
    '{}',
    '[]',
    ' {"secrets": [{"name": "a", "value": "x\\n\\"y\\" \\u00e9"}, {"json": {"n": -1.5e+3, "t": true, "f": false, "z": null}}]} \n',
    '"text"',
    '0',
  ])('accepts valid JSON %s (as JSON.parse does)', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(findJsonSyntaxError(text)).toBeUndefined();
  });

  it.each([
    ['{"value": hunter2}', 1, 11, 'unexpected character'],
    ['{\n  "a": "x",\n  "b": "y"\n  "c": 1\n}', 4, 3, "expected ',' or '}' after a property value"],
    ['{"a": 1,}', 1, 9, 'expected a property name in double quotes'],
    ["{'a': 1}", 1, 2, 'expected a property name in double quotes'],
    ['{"a" 1}', 1, 6, "expected ':' after a property name"],
    ['[1, 2', 1, 6, 'unexpected end of input'],
    ['[1 2]', 1, 4, "expected ',' or ']' after an array element"],
    ['{"a": "x\\qy"}', 1, 9, 'bad escape in a string'],
    ['{"a": "\\u12"}', 1, 8, 'bad \\u escape in a string'],
    ['{"a": "line\nbreak"}', 1, 12, 'control character in a string'],
    ['{"a": "open', 1, 12, 'unexpected end of input'],
    ['{"a": -}', 1, 7, 'bad number'],
    ['{"a": tru}', 1, 7, 'unexpected character'],
    ['{} {}', 1, 4, 'unexpected text after the JSON value'],
    ['\uFEFF{}', 1, 1, 'unexpected character'],
    ['', 1, 1, 'unexpected end of input'],
  ])('locates the error in %j at line %i, column %i', (text, line, column, reason) => {
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    expect(findJsonSyntaxError(text)).toEqual({ line, column, reason });
  });

  it('maps offsets to 1-based lines and columns', () => {
    expect(lineAndColumn('ab\ncd\n', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\n', 6)).toEqual({ line: 3, column: 1 });
  });
});
