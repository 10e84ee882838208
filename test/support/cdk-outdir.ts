import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

// Every synthesis writes a cloud assembly (templates, and with bundling on, the function bundles). Left to itself the
// CDK puts each one in a fresh temporary folder and never removes it; this test file's go into one that is removed.
const outdir = mkdtempSync(join(tmpdir(), 'govtiers-cdk-'));
process.env.CDK_OUTDIR = outdir;
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
