import { inspect } from 'node:util';
import { KeyturnError } from './keyturn.error.js';
import { SecretsStartupError } from './secrets-startup.error.js';

const CANARY = 'canary-cause-5e1d';

describe('KeyturnError', () => {
  const source = new Error(`driver said: password ${CANARY} rejected`);
  const error = new KeyturnError('Secret "app/db" could not be used', { secretId: 'app/db', code: 'Broken', hint: 'the database', cause: source });

  it('keeps the cause for code, as a non-enumerable property', () => {
    expect(error.cause).toBe(source);
    expect(Object.prototype.propertyIsEnumerable.call(error, 'cause')).toBe(false);
  });

  it('does not print the cause through util.inspect, in any mode', () => {
    for (const printed of [inspect(error), inspect(error, { showHidden: true, depth: 20 }), inspect({ wrapped: [error] }, { depth: 20 })]) {
      expect(printed).not.toContain(CANARY);
      expect(printed).toContain('Secret "app/db" could not be used');
      expect(printed).toContain("code: 'Broken'");
    }
  });

  it('does not print the cause through JSON.stringify, nor nested Keyturn errors through a startup error', () => {
    const startup = new SecretsStartupError([{ secretId: 'app/db', error }]);
    for (const printed of [JSON.stringify(error), JSON.stringify(startup), inspect(startup, { depth: 20 })]) expect(printed).not.toContain(CANARY);
    expect(JSON.parse(JSON.stringify(error))).toMatchObject({ name: 'KeyturnError', message: 'Secret "app/db" could not be used', code: 'Broken', secretId: 'app/db' });
  });
});
