/** The embedded stack could not start; the message says what to do. */
export class LaunchError extends Error {
  override name = this.constructor.name;
}
