import { inject } from 'vitest';
import './global-emulators';

/** Points this test file's process at the run's shared emulators and resources (see global-emulators.ts). */
export function useSharedEmulators() {
  const shared = inject('sharedEmulators');
  Object.assign(process.env, shared.env);
  return shared;
}
