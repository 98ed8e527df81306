// Programmatic entry of @keyturn/cli: run the `keyturn` command in-process, plus the pure
// helpers behind it (generators, IAM policies, .env grouping).
export { run, createProgram } from './program.js';
export { processIo, type CliIo, type CliOutput } from './lib/cli-io.js';
export { ExitCode } from './lib/exit-codes.js';
export { CliError } from './lib/errors/cli-error.js';
export { UsageError } from './lib/errors/usage-error.js';
export type { GlobalOptions } from './lib/global-options.js';
export { parseGeneratorSpec, generateValue, parseGenerateAssignments, type GeneratorSpec } from './lib/generate.js';
export { buildIamPolicies, secretArnPattern, type IamPolicyOptions, type PolicyDocument } from './lib/iam-policy.js';
export { groupEnvVariables, toVariableMapping, camelKey, type GroupBy, type EnvAssignment, type EnvTarget } from './lib/env-grouping.js';
export { requestToken } from './lib/request-token.js';
export { mask } from './lib/output.js';
export { VERSION } from './version.js';
