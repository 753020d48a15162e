/**
 * HubSpot's two limits on a private app token: a rolling ten-second window and a daily budget that
 * resets at midnight (the emulator uses UTC midnight). Requests refused with a 429 do not count.
 */

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY';

export interface RateLimitOptions {
  /** Requests per rolling window (HubSpot private apps: 190 per 10 s on Professional). */
  tenSecondlyLimit: number;
  /** Length of the rolling window in milliseconds (10,000 at HubSpot). */
  windowMs: number;
  /** Requests per day. */
  dailyLimit: number;
  now: () => number;
}

export interface RateLimitState {
  max: number;
  remaining: number;
  intervalMs: number;
  daily: number;
  dailyRemaining: number;
}

const DAY_MS = 86_400_000;

export class RateLimiter {
  private readonly window: number[] = [];
  private day = -1;
  private usedToday = 0;

  constructor(private readonly options: RateLimitOptions) {}

  /** Counts the request, or names the policy that refuses it (and counts nothing). */
  take(): RateLimitPolicy | undefined {
    const now = this.options.now();
    this.roll(now);
    if (this.usedToday >= this.options.dailyLimit) return 'DAILY';
    if (this.window.length >= this.options.tenSecondlyLimit) return 'TEN_SECONDLY_ROLLING';
    this.window.push(now);
    this.usedToday += 1;
    return undefined;
  }

  state(): RateLimitState {
    this.roll(this.options.now());
    return {
      max: this.options.tenSecondlyLimit,
      remaining: Math.max(0, this.options.tenSecondlyLimit - this.window.length),
      intervalMs: this.options.windowMs,
      daily: this.options.dailyLimit,
      dailyRemaining: Math.max(0, this.options.dailyLimit - this.usedToday),
    };
  }

  reset(): void {
    this.window.length = 0;
    this.usedToday = 0;
  }

  private roll(now: number): void {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.usedToday = 0;
    }
    while (this.window.length > 0 && (this.window[0] ?? now) <= now - this.options.windowMs)
      this.window.shift();
  }
}
