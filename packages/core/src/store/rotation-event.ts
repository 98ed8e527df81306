import { INSPECT } from '../values/redaction.js';
import type { RotationEvent } from './store.types.js';

/** A rotation event whose value is reachable only through the `value` getter (not printed or serialised). */
export class SecretRotationEvent<T> implements RotationEvent<T> {
  readonly secretId: string;
  readonly previousVersionId?: string;
  readonly versionId: string;
  readonly stage: string;
  readonly at: Date;
  readonly #value: T;

  constructor(init: Omit<RotationEvent<T>, 'value'>, value: T) {
    this.secretId = init.secretId;
    if (init.previousVersionId !== undefined) this.previousVersionId = init.previousVersionId;
    this.versionId = init.versionId;
    this.stage = init.stage;
    this.at = init.at;
    this.#value = value;
    Object.freeze(this);
  }

  /** The new value (the entry's transformed value, or the SecretValue for store listeners). */
  get value(): T {
    return this.#value;
  }

  toJSON(): Omit<RotationEvent<T>, 'value'> {
    return { secretId: this.secretId, previousVersionId: this.previousVersionId, versionId: this.versionId, stage: this.stage, at: this.at };
  }

  toString(): string {
    return `RotationEvent(${this.secretId}: ${this.previousVersionId ?? '(none)'} -> ${this.versionId} [${this.stage}])`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
