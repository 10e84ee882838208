// The demo province every fresh local runtime gets on its first start. Not written yet: it will provision the demo
// province through the units API (the same calls an administrator makes), never by writing items behind its back.
import type { Role } from '../../shared/roles';

export const DEMO_PROVINCE = '330000000000';

/**
 * Called by `npm start` when the demo province has not been provisioned yet, with the gateway's URL, a way to get a
 * local token for a role at a unit, and a logger.
 */
export async function provisionDemo(
  url: string,
  token: (role: Role, unit: string) => Promise<string>,
  log: (line: string) => void,
): Promise<void> {
  void url;
  void token;
  log(`demo: the demo province ${DEMO_PROVINCE} will be provisioned here once the units API exists; nothing provisioned yet`);
}
