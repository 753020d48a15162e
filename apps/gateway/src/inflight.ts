/**
 * The tool calls this process is running, so that a client's `notifications/cancelled` (a POST of its
 * own on the stateless HTTP endpoint) can stop the call it names. A call is known by who made it and
 * its JSON-RPC id: one principal cannot cancel another's call. Process-local: a cancellation that
 * reaches another replica finds nothing, and the call runs to its deadline as before.
 */
export class InFlightCalls {
  private readonly calls = new Map<string, AbortController>();

  private static key(principal: string, id: string | number): string {
    return `${principal}\u0000${typeof id}\u0000${id}`;
  }

  /** Registers a call; `signal` aborts when it is cancelled. Call `end` when the call is answered. */
  begin(principal: string, id: string | number): { signal: AbortSignal; end(): void } {
    const key = InFlightCalls.key(principal, id);
    const controller = new AbortController();
    this.calls.set(key, controller);
    return {
      signal: controller.signal,
      end: () => {
        if (this.calls.get(key) === controller) this.calls.delete(key);
      },
    };
  }

  /** Cancels the principal's call with this id, if this process runs it; says whether it did. */
  cancel(principal: string, id: string | number, reason: string | undefined): boolean {
    const controller = this.calls.get(InFlightCalls.key(principal, id));
    if (!controller) return false;
    controller.abort(new DOMException(reason ?? 'The client cancelled the request.', 'AbortError'));
    return true;
  }

  get size(): number {
    return this.calls.size;
  }
}
