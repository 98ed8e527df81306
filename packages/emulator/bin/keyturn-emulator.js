#!/usr/bin/env node
'use strict';
require('../dist/cjs/cli.js')
  .main()
  .catch((err) => {
    process.stderr.write(`keyturn-emulator: ${err && err.message ? err.message : String(err)}\n`);
    process.exit(1);
  });
