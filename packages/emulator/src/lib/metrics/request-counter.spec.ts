import { RequestCounter } from './request-counter';

describe('RequestCounter', () => {
  it('counts by region and operation, sorts outcomes, and keeps the busiest second', () => {
    let now = 10_000;
    const counter = new RequestCounter(() => now);
    counter.record('us-east-1', 'BatchGetSecretValue', 'ok');
    counter.record('us-east-1', 'BatchGetSecretValue', 'throttled');
    now = 10_999;
    counter.record('us-east-1', 'BatchGetSecretValue', 'ok');
    now = 11_000; // a new second: its count starts again
    counter.record('us-east-1', 'BatchGetSecretValue', 'error');
    counter.record('eu-west-1', 'BatchGetSecretValue', 'ok');
    counter.record('us-east-1', 'ListSecrets', 'ok');
    expect(counter.snapshot()).toEqual([
      { region: 'eu-west-1', operation: 'BatchGetSecretValue', requests: 1, throttled: 0, errors: 0, peakPerSecond: 1 },
      { region: 'us-east-1', operation: 'BatchGetSecretValue', requests: 4, throttled: 1, errors: 1, peakPerSecond: 3 },
      { region: 'us-east-1', operation: 'ListSecrets', requests: 1, throttled: 0, errors: 0, peakPerSecond: 1 },
    ]);
  });

  it('reset() starts afresh', () => {
    const counter = new RequestCounter(() => 0);
    counter.record('us-east-1', 'GetSecretValue', 'ok');
    counter.reset();
    expect(counter.snapshot()).toEqual([]);
    counter.record('us-east-1', 'GetSecretValue', 'ok');
    expect(counter.snapshot()).toEqual([{ region: 'us-east-1', operation: 'GetSecretValue', requests: 1, throttled: 0, errors: 0, peakPerSecond: 1 }]);
  });
});
