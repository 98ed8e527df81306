export { startEmulator, type EmulatorServer } from './lib/emulator.js';
export { DEFAULT_CLI_PORT, EMULATOR_DEFAULTS, type EmulatorOptions, type EmulatorLogger } from './lib/emulator.options.js';
export { FaultInjector, type FaultSpec } from './lib/faults/fault-injector.js';
export { RequestCounter, type OperationCount, type RequestOutcome } from './lib/metrics/request-counter.js';
export type { EmulatorCredentials } from './lib/http/sigv4-verifier.js';
export type { RotationEvent, RotationHandler, RotationOutcome, RotationStep } from './lib/rotation/rotation.types.js';
export { ROTATION_RETRY_DEFAULTS, type RotationRetryOptions } from './lib/rotation/rotation-retry.options.js';
export type { SeedDocument, SeedSecret } from './lib/seed/seed.js';
export { ServiceError } from './lib/errors/service-error.js';
export { SeedParseError } from './lib/errors/seed-parse-error.js';
export { StoreCorruptError } from './lib/errors/store-corrupt-error.js';
export { VERSION } from './version.js';
export {
  EMULATOR_CLI_FLAGS,
  EmulatorCliUsageError,
  emulatorOptionsFromFlags,
  emulatorUsage,
  parseEmulatorArgs,
  type EmulatorCliFlag,
  type EmulatorCliValues,
} from './lib/cli/emulator-cli.options.js';
export { AWS_QUOTAS, type QuotaOptions } from './lib/quotas/quota-limiter.js';
