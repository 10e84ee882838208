#!/usr/bin/env node
// The CLI is TypeScript; tsx (a dependency) compiles it on the fly, resolved from here rather than the caller's folder.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
