#!/usr/bin/env node
// The `clickstream` command. The project is TypeScript run through tsx's loader, so no
// build step stands between a `git clone` and a working command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
