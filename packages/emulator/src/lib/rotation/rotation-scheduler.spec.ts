import type { SecretRecord } from '../model/secret-record.js';
import type { SecretRepository } from '../model/secret-repository.js';
import type { RotationRunner } from './rotation-runner.js';
import { RotationScheduler } from './rotation-scheduler.js';

const HOUR = 3_600_000;

function scheduler(now: number) {
  const secret: SecretRecord = {
    arn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf',
    name: 's',
    tags: [],
    created: 0,
    lastChanged: 0,
    rotationEnabled: true,
    rotationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
    rotationRules: { ScheduleExpression: 'cron(0 10 * * ? *)', Duration: '2h' },
    nextRotation: 10 * HOUR,
    versions: [{ id: 'v'.repeat(32), created: 0, stages: ['AWSCURRENT'], string: 'x' }],
  };
  const rotated: string[] = [];
  const skipped: string[] = [];
  const s = new RotationScheduler({
    repository: { list: () => [secret] } as unknown as SecretRepository,
    runner: { isActive: () => false } as unknown as RotationRunner,
    rotate: (arn) => rotated.push(arn),
    skip: (arn) => skipped.push(arn),
    windowMs: () => 2 * HOUR,
    log: () => undefined,
    clock: () => now,
  });
  s.start();
  try {
    s.tick();
  } finally {
    s.stop();
  }
  return { rotated, skipped };
}

describe('RotationScheduler rotation window', () => {
  it('starts a rotation while the window is open', () => {
    expect(scheduler(11 * HOUR)).toEqual({ rotated: [expect.any(String)], skipped: [] });
  });

  it('skips a window that closed before the scheduler started (emulator stopped), instead of rotating late', () => {
    expect(scheduler(13 * HOUR)).toEqual({ rotated: [], skipped: [expect.any(String)] });
  });

  it('does nothing before the window opens', () => {
    expect(scheduler(9 * HOUR)).toEqual({ rotated: [], skipped: [] });
  });
});
