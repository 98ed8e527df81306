export { startEmulator, type EmulatorServer } from './lib/emulator.js';
export { DEFAULT_CLI_PORT, EMULATOR_DEFAULTS, type EmulatorOptions, type EmulatorLogger } from './lib/emulator.options.js';
export { FaultInjector, type FaultSpec } from './lib/faults/fault-injector.js';
export type { EmulatorCredentials } from './lib/http/sigv4-verifier.js';
export type { RotationEvent, RotationHandler, RotationOutcome, RotationStep } from './lib/rotation/rotation.types.js';
export type { SeedDocument, SeedSecret } from './lib/seed/seed.js';
export { ServiceError } from './lib/errors/service-error.js';
export { StoreCorruptError } from './lib/errors/store-corrupt-error.js';
export const VERSION = '0.1.0';
