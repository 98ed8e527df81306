// The lockout scenario: single-user PostgreSQL rotation, PostgreSQL unreachable right after
// setSecret changed the password. The emulator's retries are used up while it is down; once it is
// back, `keyturn doctor` names the unfinished rotation and `keyturn secrets rotate --resume`
// completes it with the same pending password.
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer, type RotationHandler } from '@keyturn/emulator';
import { createRotationHandler, postgresSingleUser } from '@keyturn/rotation';
import { startPostgres, startTcpProxy, type PostgresServer, type TcpProxy } from '@keyturn/testing';
import { cli } from './cli-harness';

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-pg-single';
const clientConfig = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

describe('recovering the lockout scenario by command', () => {
  let emulator: EmulatorServer | undefined;
  let pg: PostgresServer | undefined;
  let proxy: TcpProxy | undefined;
  let sm: SecretsManagerClient | undefined;


  beforeAll(async () => {
    [emulator, pg] = await Promise.all([startEmulator({ logger: false, rotationRetry: { maxAttempts: 3, initialBackoffMs: 20, maxBackoffMs: 50 } }), startPostgres()]);
    proxy = await startTcpProxy(pg);
    sm = new SecretsManagerClient(clientConfig(emulator.endpoint));
  });
  afterAll(async () => {
    sm?.destroy();
    await proxy?.close();
    await Promise.allSettled([emulator?.stop(), pg?.stop()]);
  });

  it('doctor reports "unfinished rotation: AWSPENDING holds the working credentials"; secrets rotate --resume finishes it', async () => {
    const initial = `initial-${Date.now()}`;
    await pg!.sql(`CREATE USER app_locked WITH LOGIN PASSWORD '${initial}'`);
    await sm!.send(
      new CreateSecretCommand({
        Name: 'app/locked-db',
        SecretString: JSON.stringify({ engine: 'postgres', host: '127.0.0.1', port: proxy!.port, username: 'app_locked', password: initial, dbname: 'postgres', ssl: false }),
      }),
    );
    const inner = createRotationHandler(postgresSingleUser({ connectTimeoutMs: 3000 }), { client: sm!, logger: false });
    let cutOnce = false;
    const handler: RotationHandler = async (event) => {
      await inner(event);
      if (event.Step === 'setSecret' && !cutOnce) {
        cutOnce = true;
        proxy!.cut();
      }
    };
    emulator!.registerRotationHandler(LAMBDA, handler);
    const out = await sm!.send(new RotateSecretCommand({ SecretId: 'app/locked-db', RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 30 } }));
    const outcome = await emulator!.waitForRotation('app/locked-db', { settled: true });
    // The first attempt failed at testSecret; the retries, PostgreSQL still away, at setSecret.
    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'setSecret', attempt: 3 });

    // The lockout state: the database has the new password, AWSCURRENT the old one.
    const pending = JSON.parse((await sm!.send(new GetSecretValueCommand({ SecretId: 'app/locked-db', VersionStage: 'AWSPENDING' }))).SecretString!);
    expect(await pg!.canLogin('app_locked', initial)).toBe(false);
    expect(await pg!.canLogin('app_locked', pending.password)).toBe(true);
    proxy!.restore();

    const k = cli({ endpoint: emulator!.endpoint });
    const doctor = await k('--json', 'doctor', '--secrets', 'app/locked-db', '--expect-rotation');
    expect(doctor.code).toBe(1);
    expect(doctor.json().findings.find((f: { check: string }) => f.check === 'rotation')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^unfinished rotation: AWSPENDING holds the working credentials \(version .*\)\. Resume it with: keyturn secrets rotate app\/locked-db --resume/),
    });
    const text = await k('doctor', '--secrets', 'app/locked-db');
    expect(text.stdout).toContain('unfinished rotation: AWSPENDING holds the working credentials');
    expect(text.stdout).toContain('keyturn secrets rotate app/locked-db --resume');

    // Starting another rotation is refused by the CLI itself, which points to --resume.
    const plain = await k('secrets', 'rotate', 'app/locked-db', '--interval', '50');
    expect(plain.code).toBe(5);
    expect(plain.stderr).toMatch(/is unfinished.*--resume/);

    const resumed = await k('--json', 'secrets', 'rotate', 'app/locked-db', '--resume', '--interval', '50', '--timeout', '60');
    expect(resumed.code).toBe(0);
    expect(resumed.json()).toMatchObject({ outcome: 'succeeded', versionId: out.VersionId, resumed: true });
    const current = JSON.parse((await sm!.send(new GetSecretValueCommand({ SecretId: 'app/locked-db' }))).SecretString!);
    expect(current.password).toBe(pending.password);
    expect(await pg!.canLogin('app_locked', current.password)).toBe(true);
    const d = await sm!.send(new DescribeSecretCommand({ SecretId: 'app/locked-db' }));
    expect(d.VersionIdsToStages?.[out.VersionId!]).toEqual(expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']));

    const healthy = await k('--json', 'doctor', '--secrets', 'app/locked-db', '--expect-rotation');
    expect(healthy.code).toBe(0);
    expect(healthy.json().findings.find((f: { check: string }) => f.check === 'rotation')?.status).toBe('ok');
    const nothing = await k('secrets', 'rotate', 'app/locked-db', '--resume');
    expect(nothing.code).toBe(5);
    expect(nothing.stderr).toMatch(/Nothing to resume/);
  });
});
