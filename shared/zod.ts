import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini for every schema: its schemas cost far less to build at module load than classic zod's, and every cold
 * start builds them all.
 *
 * Unlike classic zod it sets no default locale, so an issue raised without an error map (a stored item that fails to
 * parse, as logged) would read just "Invalid input". English is set here, before any schema module runs; requests get
 * their wording from validate-input.
 */
config(en());

export * from 'zod/mini';
