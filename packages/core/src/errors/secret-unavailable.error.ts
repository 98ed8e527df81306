import { KeyturnError } from './keyturn.error.js';

/** A transient failure (timeout, network error, 5xx, throttling): retrying later may succeed. */
export class SecretUnavailableError extends KeyturnError {
  override get transient(): boolean {
    return true;
  }
}
