#!/usr/bin/env node
// Entry point for `npx sightline …`; the CLI itself is compiled TypeScript.
import '../dist/cli/main.js';
