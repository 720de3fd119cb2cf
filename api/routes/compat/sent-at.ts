/**
 * A client's "sent at" time, checked the way POST /events checks its `sent_at`, but
 * refused in the client's own words (`sentAt` for Segment).
 */
import * as z from 'zod';
import { ApiError } from '../../errors.js';

const ISO_DATETIME = z.iso.datetime({ offset: true });

/** `value` when it is an ISO 8601 date-time with a zone; undefined when absent; 400 otherwise. */
export function checkSentAt(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!ISO_DATETIME.safeParse(value).success) {
    throw new ApiError(
      400,
      'invalid_batch',
      `${field} must be an ISO 8601 date-time with a timezone, e.g. 2025-01-01T10:00:00Z`,
    );
  }
  return value as string;
}
