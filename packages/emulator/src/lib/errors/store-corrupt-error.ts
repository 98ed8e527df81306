/** The data directory holds a journal or snapshot that cannot be read (not a torn last line). */
export class StoreCorruptError extends Error {
  override readonly name = this.constructor.name;

  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}. Move the data directory aside or restore it from a backup.`);
  }
}
