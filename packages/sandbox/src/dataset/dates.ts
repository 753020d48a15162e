import type { DayOffset, Instant } from './types.js';

const MS_PER_DAY = 86_400_000;

/** Midnight UTC of the given day, or of today when omitted: the day every offset is relative to. */
export function resolveAsOf(asOf?: Date): Date {
  const base = asOf ?? new Date();
  return new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate()));
}

/** The UTC midnight `day` days after (or before, when negative) the asOf day. */
export function dateFromOffset(day: DayOffset, asOf?: Date): Date {
  return new Date(resolveAsOf(asOf).getTime() + day * MS_PER_DAY);
}

/** `YYYY-MM-DD` of the day `day` days from the asOf day. */
export function isoDate(day: DayOffset, asOf?: Date): string {
  return dateFromOffset(day, asOf).toISOString().slice(0, 10);
}

/** The instant as a JavaScript Date (UTC). */
export function instantToDate(instant: Instant, asOf?: Date): Date {
  return new Date(dateFromOffset(instant.day, asOf).getTime() + instant.minuteOfDay * 60_000);
}

/** ISO 8601 in UTC with a `Z`, e.g. `2025-03-01T09:30:00.000Z`. */
export function isoDateTime(instant: Instant, asOf?: Date): string {
  return instantToDate(instant, asOf).toISOString();
}

/** Odoo's stored datetime format: naive UTC `YYYY-MM-DD HH:MM:SS`. */
export function odooDateTime(instant: Instant, asOf?: Date): string {
  return isoDateTime(instant, asOf).slice(0, 19).replace('T', ' ');
}

/** Whole days from `date`'s UTC day to the asOf day: positive when `date` is in the past. */
export function daysBefore(date: Date, asOf?: Date): number {
  return Math.round((resolveAsOf(asOf).getTime() - resolveAsOf(date).getTime()) / MS_PER_DAY);
}
