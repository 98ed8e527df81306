import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { cli } from './cli-harness';

// Help for nested commands, table layout and wording, against the emulator.
let emu: TestEmulator;
let sm: SecretsManagerClient;
let k: ReturnType<typeof cli>;

beforeAll(async () => {
  emu = await startTestEmulator();
  sm = new SecretsManagerClient(testClientConfig(emu.endpoint));
  k = cli({ endpoint: emu.endpoint });
});
afterAll(async () => {
  sm?.destroy();
  await emu?.stop();
});
beforeEach(async () => emu.reset());

describe('keyturn help', () => {
  it('help <command> <subcommand> shows the subcommand help, as <command> <subcommand> --help does', async () => {
    const viaHelp = await k('help', 'secrets', 'list');
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toMatch(/^Usage: keyturn secrets list \[options\]/);
    expect(viaHelp.stdout).toContain('--prefix <prefix>');
    expect(viaHelp.stdout).toBe((await k('secrets', 'list', '--help')).stdout);
    expect((await k('secrets', 'help', 'rotate')).stdout).toMatch(/^Usage: keyturn secrets rotate \[options\] <id>/);
  });

  it('help <command> and help alone still work; an unknown name is a usage error', async () => {
    expect((await k('help', 'secrets')).stdout).toMatch(/^Usage: keyturn secrets \[options\] \[command\]/);
    expect((await k('help')).stdout).toMatch(/^Usage: keyturn \[options\] \[command\]/);
    const unknown = await k('help', 'secrets', 'lst');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command "secrets lst".*keyturn help secrets/);
  });
});

describe('tables', () => {
  it('draws the rule under each header exactly as wide as its column, at the same position', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'app/prod/stripe-payments', SecretString: '{}' }));
    await sm.send(new CreateSecretCommand({ Name: 'app/x', SecretString: '{}' }));
    const r = await k('secrets', 'list');
    expect(r.code).toBe(0);
    const [head, rule] = r.stdout.split('\n');
    const starts = (line: string, re: RegExp) => [...line.matchAll(re)].map((m) => [m.index, m[0].length]);
    const ruleSegments = starts(rule, /─+/g);
    const headColumns = starts(head, /\S+(?: \S+)*/g);
    expect(ruleSegments.map(([i]) => i)).toEqual(headColumns.map(([i]) => i));
    // Each rule segment spans the column: up to the next column's start minus the two-space gap.
    for (let i = 0; i < ruleSegments.length - 1; i++) {
      expect((ruleSegments[i][0] as number) + (ruleSegments[i][1] as number) + 2).toBe(ruleSegments[i + 1][0]);
    }
  });
});

describe('wording', () => {
  it('counts in the singular for one ("1 key")', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'app/one', SecretString: '{"token":"t"}' }));
    await sm.send(new CreateSecretCommand({ Name: 'app/two', SecretString: '{"a":"1","b":"2"}' }));
    const r = await k('doctor', '--secrets', 'app/one:token,app/two:a');
    expect(r.stdout).toMatch(/JSON object with 1 key\b(?!s)/);
    expect(r.stdout).toMatch(/JSON object with 2 keys/);
  });
});
