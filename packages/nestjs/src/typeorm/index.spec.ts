import * as entry from './index.js';

describe('@keyturn/nestjs/typeorm entry point', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(entry).sort()).toEqual(
      [
        'typeOrmOptionsFromSecret',
      ].sort(),
    );
  });
});
