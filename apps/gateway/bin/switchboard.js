#!/usr/bin/env node
// The published entry point runs the compiled CLI (`pnpm build` first); `pnpm start` and
// `pnpm switchboard` run the TypeScript sources directly.
import '../dist/cli.js';
