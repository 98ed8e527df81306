import { SecretsStartupError } from '@keyturn/core';

/**
 * Start-up failed: one error listing every required secret that could not be loaded, with its id,
 * the failing key paths and constraints (for invalid values) or what to check (IAM action, env var),
 * and never a value. The message is core's `SecretsStartupError` message; this class only tells
 * the module's start-up failure apart (`instanceof` either class works).
 */
export class SecretsModuleStartupError extends SecretsStartupError {}
