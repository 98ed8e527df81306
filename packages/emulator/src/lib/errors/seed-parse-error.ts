/**
 * A seed file is not valid JSON or YAML. The message gives the file, the line and column and what was
 * wrong, never the text around the error (a seed file holds secret values); the parser's own error,
 * which quotes that text, is not kept.
 */
export class SeedParseError extends SyntaxError {
  override readonly name = this.constructor.name;

  constructor(
    readonly file: string,
    readonly format: 'JSON' | 'YAML',
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly reason: string,
  ) {
    const at = line === undefined ? '' : ` at line ${line}, column ${column ?? 1}`;
    super(`${file}: not valid ${format}${at} (${reason}). Fix the seed file; its contents are not shown because they may hold secret values.`);
  }
}
