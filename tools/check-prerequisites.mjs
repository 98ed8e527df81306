#!/usr/bin/env node
// The first step of `npm test`: checks, in well under a second, that every program the test suites
// start is installed, and stops before any suite with one line per missing program: what needs it
// and the command that installs it. Environment overrides: PG_BIN_DIR, REDIS_SERVER_BIN,
// MOTO_SERVER_BIN, AWS_CLI_BIN, CHROMIUM_PATH.
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const onPath = (name) => {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
};
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function postgresBinaries() {
  if (process.env.PG_BIN_DIR) return ['initdb', 'postgres'].every((b) => isExecutable(join(process.env.PG_BIN_DIR, b)));
  const base = '/usr/lib/postgresql';
  return existsSync(base) && readdirSync(base).some((v) => isExecutable(join(base, v, 'bin', 'initdb')) && isExecutable(join(base, v, 'bin', 'postgres')));
}

/** PostgreSQL refuses to run as root; the test helper then runs it as the `postgres` OS user. */
function postgresUser() {
  if (userInfo().uid !== 0) return true;
  return spawnSync('id', ['-u', 'postgres']).status === 0;
}

function chromium() {
  if (process.env.CHROMIUM_PATH) return isExecutable(process.env.CHROMIUM_PATH);
  try {
    import.meta.resolve('@sparticuz/chromium');
    return true;
  } catch {
    return ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].some(isExecutable);
  }
}

const apt = (pkg) => `sudo apt-get update && sudo apt-get install -y ${pkg}`;
const checks = [
  {
    program: 'PostgreSQL server (initdb, postgres)',
    ok: postgresBinaries,
    neededBy: 'e2e suites of nestjs, rotation and api (private servers with password auth)',
    install: `${apt('postgresql')}   (or set PG_BIN_DIR to the folder holding initdb)`,
  },
  {
    program: 'the postgres OS user',
    ok: postgresUser,
    neededBy: 'PostgreSQL test servers when the tests run as root (PostgreSQL refuses root)',
    install: apt('postgresql'),
  },
  {
    program: 'redis-server',
    ok: () => onPath(process.env.REDIS_SERVER_BIN ?? 'redis-server') !== undefined,
    neededBy: 'e2e suites of nestjs, rotation and api (private servers with ACL users)',
    install: `${apt('redis-server')}   (or set REDIS_SERVER_BIN)`,
  },
  {
    program: 'moto_server (moto 5.2)',
    ok: () => onPath(process.env.MOTO_SERVER_BIN ?? 'moto_server') !== undefined,
    neededBy: 'the conformance suite, which compares the emulator with moto, and the test-support suite',
    install: `python3 -m pip install 'moto[server]>=5.2,<5.3'   (or set MOTO_SERVER_BIN)`,
  },
  {
    program: 'the aws CLI',
    ok: () => onPath(process.env.AWS_CLI_BIN ?? 'aws') !== undefined,
    neededBy: 'packages/emulator/test/cli.e2e-spec.ts (the emulator driven by the AWS CLI)',
    install: `python3 -m pip install awscli   (or ${apt('awscli')})`,
  },
  {
    program: 'Chromium',
    ok: chromium,
    neededBy: 'apps/api/test/status-page.e2e-spec.ts (the status page in a real browser)',
    install: `npm ci   (installs @sparticuz/chromium; or ${apt('chromium')}, or set CHROMIUM_PATH)`,
  },
];

const missing = checks.filter((c) => !c.ok());
if (missing.length > 0) {
  process.stderr.write('Missing programs; no test suite was started:\n');
  for (const c of missing) process.stderr.write(`- ${c.program}: needed by ${c.neededBy}. Install: ${c.install}\n`);
  process.exit(1);
}
process.stdout.write(`prerequisites: ${checks.map((c) => c.program).join(', ')}: found\n`);
