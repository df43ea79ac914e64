/**
 * The answer to a locked-out login is delayed (a tarpit): see {@link LOCKED_OUT_ANSWER_DELAY_MS}.
 *
 * @module
 */

/**
 * How long a locked-out login waits before its 429 (at most; never longer than the lockout): a
 * flood that ignores `Retry-After` then costs one answer per connection every few seconds
 * instead of as many as the event loop can give (docs/node.md "Abuse limits").
 */
export const LOCKED_OUT_ANSWER_DELAY_MS = 3_000;

/** Waits before a locked-out login is answered (see {@link LOCKED_OUT_ANSWER_DELAY_MS}). */
export function lockedOutDelay(waitMs: number): Promise<void> {
  const ms = Math.min(waitMs, LOCKED_OUT_ANSWER_DELAY_MS);
  // Unref'd: a pending 429 never keeps the process (or a closing manager) alive.
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
