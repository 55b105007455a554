#!/usr/bin/env node
// `npx ownerbot <command>`: runs the operations CLI from the TypeScript sources through tsx,
// so it never runs a stale build.
'use strict';
require('tsx/cjs');
require('../bots/cli/main.ts');
