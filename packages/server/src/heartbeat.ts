import { encodeComment } from './encode.js';

/** Heartbeat settings: a comment sent after `periodMs` of silence on a stream. */
export interface HeartbeatOptions {
  /** Silence before a heartbeat, in ms. Default 15 000. A heartbeat goes out within 1–1.25 periods of silence. */
  periodMs?: number;
  /** Comment text of the heartbeat frame. Default `heartbeat`. */
  comment?: string;
}

/** Default heartbeat period, Ktor's order of magnitude (15 s). */
export const DEFAULT_HEARTBEAT_MS = 15_000;

/** Ticks per period: a heartbeat follows between 1 and 1 + 1/TICKS periods of silence. */
const TICKS_PER_PERIOD = 4;

/** A stream the wheel watches. */
export interface HeartbeatMember {
  /** The wheel tick of the member's last write. */
  lastWriteTick: number;
  /** Writes the heartbeat frame (after flushing anything held back). */
  sendHeartbeat(frame: string): void;
}

/**
 * One timer for every stream with the same heartbeat settings, instead of one timer per stream: each tick (a quarter
 * period) it sends the heartbeat to the streams that wrote nothing for a whole period. A write costs one integer store
 * (no clock read, no timer reset), and an idle connection holds no timer object of its own.
 */
export class HeartbeatWheel {
  readonly frame: string;
  readonly #tickMs: number;
  readonly #members = new Set<HeartbeatMember>();
  #tick = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: Required<HeartbeatOptions>) {
    this.frame = encodeComment(options.comment);
    this.#tickMs = Math.max(1, Math.ceil(options.periodMs / TICKS_PER_PERIOD));
  }

  /** The current tick, for members to stamp their writes with. */
  get tick(): number {
    return this.#tick;
  }

  join(member: HeartbeatMember): void {
    member.lastWriteTick = this.#tick;
    this.#members.add(member);
    if (this.#timer === undefined) {
      this.#timer = setInterval(this.#onTick, this.#tickMs);
      // A heartbeat alone never keeps a process alive.
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  leave(member: HeartbeatMember): void {
    this.#members.delete(member);
    if (this.#members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #onTick = (): void => {
    const tick = ++this.#tick;
    for (const member of this.#members) {
      // A member that wrote during the last TICKS_PER_PERIOD ticks has not been silent for a period yet.
      if (tick - member.lastWriteTick > TICKS_PER_PERIOD) {
        member.lastWriteTick = tick;
        member.sendHeartbeat(this.frame);
      }
    }
  };
}
