import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import type { DivisionNode } from '../division-tree';

/**
 * Division trees shipped with govtiers (NBS 统计用区划代码, 2023 edition; see README.md beside this file):
 * 浙江省 down to its villages for the demo, and every province down to townships for tests and benchmarks.
 */
export const SHIPPED = {
  zhejiang: 'zhejiang-2023.json.gz',
  chinaTownships: 'china-townships-2023.json.gz',
} as const;

export async function loadDivisionText(name: keyof typeof SHIPPED): Promise<string> {
  const gz = await readFile(new URL(SHIPPED[name], import.meta.url));
  return gunzipSync(gz).toString('utf8');
}

export async function loadDivisions(name: 'zhejiang'): Promise<DivisionNode>;
export async function loadDivisions(name: 'chinaTownships'): Promise<DivisionNode[]>;
export async function loadDivisions(name: keyof typeof SHIPPED): Promise<DivisionNode | DivisionNode[]> {
  return JSON.parse(await loadDivisionText(name));
}
