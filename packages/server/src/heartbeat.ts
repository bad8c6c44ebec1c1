/** Heartbeat settings: a comment (or event) sent after `periodMs` of silence, one timer per session. */
export interface HeartbeatOptions {
  /** Silence before a heartbeat, in ms. Default 15 000. */
  periodMs?: number;
  /** Comment text of the heartbeat frame. Default `heartbeat`. */
  comment?: string;
}

/** Default heartbeat period, as Ktor's default order of magnitude (15 s). */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * A restartable silence timer: `touch()` on every write is a single clock read, not a timer reset;
 * the timer re-arms itself for the remaining time when it fires early.
 */
export class SilenceTimer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastTouch = Date.now();
  readonly #periodMs: number;
  readonly #fire: () => void;

  constructor(periodMs: number, fire: () => void) {
    this.#periodMs = periodMs;
    this.#fire = fire;
    this.#arm(periodMs);
  }

  touch(): void {
    this.#lastTouch = Date.now();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(delay: number): void {
    this.#timer = setTimeout(this.#onTimer, delay);
    // A heartbeat alone never keeps a process alive.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #onTimer = (): void => {
    const silent = Date.now() - this.#lastTouch;
    if (silent >= this.#periodMs) {
      this.#fire();
      this.#lastTouch = Date.now();
      if (this.#timer !== undefined) this.#arm(this.#periodMs);
    } else {
      this.#arm(this.#periodMs - silent);
    }
  };
}
