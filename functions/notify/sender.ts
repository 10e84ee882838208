import { appendFile, mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Text } from '../../shared/i18n';
import { logger } from '../../shared/log';

/** Channels beside the in-app inbox that a notification may also go by, as a hint: the adapter picks what it can. */
export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One notification to hand to the outside world. */
export interface Delivery {
  /** The notification's id (a ULID): the same notification always comes with the same id. */
  id: string;
  /** The account it is for (the `sub` of its tokens). */
  account: string;
  channels: Channel[];
  text: Text;
  subject: string;
  link?: string;
  /** The unit on whose behalf it goes out. */
  unit: string;
}

/**
 * The port to SMS and e-mail. `send` may be called more than once with the same notification (a crash after the
 * send and before its record was written; a concurrent redelivery): an adapter must deliver each id at most once,
 * as a provider's idempotency key or a record of its own does.
 */
export interface NotificationSender {
  send(d: Delivery): Promise<void>;
}

/**
 * The local adapter: one JSON line per notification in a log file, each id once (an empty marker file per id,
 * created exclusively, comes before the line). A crash between the marker and the line loses that line: locally, a
 * log to read is worth less than a notification never shown twice.
 */
export function logFileSender(file: string): NotificationSender {
  const marks = join(dirname(file), 'notifications.sent');
  return {
    async send(d) {
      await mkdir(marks, { recursive: true });
      try {
        await (await open(join(marks, d.id), 'wx')).close();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
        throw e;
      }
      await appendFile(file, `${JSON.stringify({ ...d, at: new Date().toISOString() })}\n`, 'utf8');
    },
  };
}

/**
 * Where a deployment sends SMS and e-mail is the province's choice (its SMS gateway, 政务短信平台, or a mail relay),
 * and none is configured here: deployed, a notification reaches the in-app inbox only, and the seam logs that it went
 * no further. A provider's adapter implements NotificationSender (with the id as its idempotency key) and is picked
 * here from its environment variables.
 */
const inAppOnly: NotificationSender = {
  async send(d) {
    logger.debug('notification kept in the in-app inbox only', { id: d.id, channels: d.channels });
  },
};

/** `NOTIFY_LOG_FILE` (set by the local runtime to `DATA_DIR/notifications.log`) selects the log adapter. */
export const NOTIFY_LOG_FILE_ENV = 'NOTIFY_LOG_FILE';

export function senderFromEnv(): NotificationSender {
  const file = process.env[NOTIFY_LOG_FILE_ENV];
  return file ? logFileSender(file) : inAppOnly;
}
