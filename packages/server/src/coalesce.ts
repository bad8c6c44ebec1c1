/** Something that holds frames back during a coalescing window and writes them in one go. */
export interface Coalescable {
  /** Ends a window: writes what is pending; returns false when the window closed (nothing flowed during it). */
  onWindowEnd(): boolean;
}

/**
 * One timer per window length for all sessions: sessions with a window open register here and are flushed together
 * when the window ends — never one timer per session per window.
 */
export class Coalescer {
  readonly #windowMs: number;
  readonly #open = new Set<Coalescable>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Real time (not the event loop's cached clock) before which the next window must not end. */
  #due = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Opens a window for `target`; its next frames are held until the window ends. */
  open(target: Coalescable): void {
    this.#open.add(target);
    if (this.#timer === undefined) {
      this.#due = performance.now() + this.#windowMs;
      this.#schedule(this.#windowMs);
    }
  }

  /** Forgets `target` (closed sessions). */
  forget(target: Coalescable): void {
    this.#open.delete(target);
    if (this.#open.size === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #schedule(delay: number): void {
    this.#timer = setTimeout(this.#tick, delay);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #tick = (): void => {
    this.#timer = undefined;
    // Timers are scheduled from the loop's cached clock: after a long flush (1,000 sockets take ~15 ms) the next
    // timer is already due when the flush ends. Measuring real time keeps every window a full window long, so a
    // busy server still batches instead of flushing one frame per loop turn.
    const early = this.#due - performance.now();
    if (early >= 1) {
      this.#schedule(early);
      return;
    }
    for (const target of this.#open) {
      // A target whose window saw no frames closes it; one with traffic keeps it open for the next batch.
      if (!target.onWindowEnd()) this.#open.delete(target);
    }
    if (this.#open.size > 0) {
      this.#due = performance.now() + this.#windowMs;
      this.#schedule(this.#windowMs);
    }
  };
}
