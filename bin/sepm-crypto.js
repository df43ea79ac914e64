#!/usr/bin/env node
// The `sepm-crypto` command: loads the built CLI (npm run build makes dist/cli.js).
import '../dist/cli.js';
