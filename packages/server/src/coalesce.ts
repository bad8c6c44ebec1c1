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

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** Opens a window for `target`; its next frames are held until the window ends. */
  open(target: Coalescable): void {
    this.#open.add(target);
    if (this.#timer === undefined) this.#schedule();
  }

  /** Forgets `target` (closed sessions). */
  forget(target: Coalescable): void {
    this.#open.delete(target);
    if (this.#open.size === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #schedule(): void {
    this.#timer = setTimeout(this.#tick, this.#windowMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #tick = (): void => {
    this.#timer = undefined;
    for (const target of this.#open) {
      // A target whose window saw no frames closes it; one with traffic keeps it open for the next batch.
      if (!target.onWindowEnd()) this.#open.delete(target);
    }
    if (this.#open.size > 0) this.#schedule();
  };
}

const encoder = new TextEncoder();

/** Joins held frames into one chunk for one write. */
export function joinFrames(frames: readonly (string | Uint8Array)[]): string | Uint8Array {
  if (frames.length === 1) return frames[0] as string | Uint8Array;
  if (frames.every((f) => typeof f === 'string')) return (frames as string[]).join('');
  const parts = frames.map((f) => (typeof f === 'string' ? encoder.encode(f) : f));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
