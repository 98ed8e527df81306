#!/usr/bin/env node
'use strict';
// The `keyturn` command: runs the compiled CommonJS entry point.
require('../dist/cjs/main.js');
