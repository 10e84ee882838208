import { config } from 'zod/mini';
import { describeIssue } from './validation-messages';

/**
 * zod/mini for every schema: its schemas cost far less to build at module load than classic zod's, and every cold
 * start builds them all.
 *
 * Unlike classic zod it sets no default locale, so an issue raised without an error map (a stored item that fails to
 * parse, as logged) would read just "Invalid input". The project's own English wording is set here, before any schema
 * module runs; requests get theirs, in the caller's language, from validate-input.
 */
config({ localeError: (issue) => describeIssue(issue, 'en') });

export * from 'zod/mini';
