import type { Operation } from '../shared/http/operation';
import { PLATFORM_OPERATIONS } from './platform/api';
import { UNITS_OPERATIONS } from './units/api';
import { AUDIT_OPERATIONS } from './audit/api';
import { PEOPLE_OPERATIONS } from './people/api';
import { SETTINGS_OPERATIONS } from './settings/api';
import { TIERS_OPERATIONS } from './tiers/api';
import { STATS_OPERATIONS } from './stats/api';
import { QUEUES_OPERATIONS } from './queues/api';
import { SERVICES_OPERATIONS } from './services/api';
import { TICKETS_OPERATIONS } from './tickets/api';
import { UPLOADS_OPERATIONS } from './uploads/api';
import { NOTIFY_OPERATIONS } from './notify/api';
import { DISCLOSURE_OPERATIONS } from './disclosure/api';
import { WEB_OPERATIONS } from './web/api';
import { WORKBENCH_OPERATIONS } from './web/workbench/api';

/** Every capability's operations, by the function that serves them. */
export const OPERATIONS_BY_FUNCTION = {
  platform: PLATFORM_OPERATIONS,
  units: UNITS_OPERATIONS,
  audit: AUDIT_OPERATIONS,
  people: PEOPLE_OPERATIONS,
  settings: SETTINGS_OPERATIONS,
  tiers: TIERS_OPERATIONS,
  stats: STATS_OPERATIONS,
  queues: QUEUES_OPERATIONS,
  services: SERVICES_OPERATIONS,
  tickets: TICKETS_OPERATIONS,
  uploads: UPLOADS_OPERATIONS,
  notify: NOTIFY_OPERATIONS,
  disclosure: DISCLOSURE_OPERATIONS,
  web: WEB_OPERATIONS,
  workbench: WORKBENCH_OPERATIONS,
} satisfies Record<string, Operation[]>;

export const ALL_OPERATIONS: Operation[] = Object.values(OPERATIONS_BY_FUNCTION).flat();
