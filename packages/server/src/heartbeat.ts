import { encodeComment } from './encode.js';

/** Heartbeat settings: a comment sent after `periodMs` of silence on a stream. */
export interface HeartbeatOptions {
  /** Silence before a heartbeat, in ms. Default 15 000. A heartbeat goes out within 1–1.25 periods of silence. */
  periodMs?: number;
  /** Comment text of the heartbeat frame. Default `heartbeat`. */
  comment?: string;
  /**
   * `'shared'`: one timer for every stream with the same settings. `'per-stream'`: each stream gets its own timer,
   * created when the stream opens. workerd (Cloudflare Workers) needs `'per-stream'`: there a timer belongs to the
   * request that created it, so a shared one stops when that request ends, its writes never reach other requests'
   * streams, and a stream without a timer of its own is cancelled as hung. Default: `'per-stream'` on workerd
   * (`navigator.userAgent` is `Cloudflare-Workers`), `'shared'` everywhere else.
   */
  timers?: 'shared' | 'per-stream';
}

/** The default of {@link HeartbeatOptions.timers} in the runtime this code runs in. */
export function defaultHeartbeatTimers(): 'shared' | 'per-stream' {
  const agent = (globalThis as { navigator?: { userAgent?: unknown } }).navigator?.userAgent;
  return agent === 'Cloudflare-Workers' ? 'per-stream' : 'shared';
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

/** A per-stream timer and the tick it last fired at. */
interface OwnTimer {
  readonly timer: ReturnType<typeof setInterval>;
  firedAt: number;
  silentTicks: number;
}

function startInterval(callback: () => void, ms: number): ReturnType<typeof setInterval> {
  const timer = setInterval(callback, ms);
  // A heartbeat alone never keeps a process alive.
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/**
 * One timer for every stream with the same heartbeat settings, instead of one timer per stream: each tick (a quarter
 * period) it sends the heartbeat to the streams that wrote nothing for a whole period. A write costs one integer store
 * (no clock read, no timer reset), and an idle connection holds no timer object of its own.
 *
 * With `timers: 'per-stream'` (the default on workerd) each stream gets its own timer ticking at the same quarter
 * periods instead; a write still costs one integer store, and a stream is silent for a tick when it wrote nothing since
 * its own timer last fired.
 */
export class HeartbeatWheel {
  readonly frame: string;
  readonly #tickMs: number;
  readonly #members = new Set<HeartbeatMember>();
  /** Per-stream mode: each member's own timer. */
  readonly #own: Map<HeartbeatMember, OwnTimer> | undefined;
  #tick = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: Required<Pick<HeartbeatOptions, 'periodMs' | 'comment'>> & Pick<HeartbeatOptions, 'timers'>) {
    this.frame = encodeComment(options.comment);
    this.#tickMs = Math.max(1, Math.ceil(options.periodMs / TICKS_PER_PERIOD));
    if ((options.timers ?? defaultHeartbeatTimers()) === 'per-stream') this.#own = new Map();
  }

  /** The current tick, for members to stamp their writes with. */
  get tick(): number {
    return this.#tick;
  }

  join(member: HeartbeatMember): void {
    member.lastWriteTick = this.#tick;
    if (this.#own) {
      const own: OwnTimer = {
        timer: startInterval(() => this.#onOwnTick(member, own), this.#tickMs),
        firedAt: this.#tick,
        silentTicks: 0,
      };
      this.#own.set(member, own);
      return;
    }
    this.#members.add(member);
    this.#timer ??= startInterval(this.#onTick, this.#tickMs);
  }

  leave(member: HeartbeatMember): void {
    if (this.#own) {
      const own = this.#own.get(member);
      if (own) clearInterval(own.timer);
      this.#own.delete(member);
      return;
    }
    this.#members.delete(member);
    if (this.#members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Per-stream mode: every firing advances the shared tick, so a write stamped at or after `firedAt` came after it. */
  #onOwnTick(member: HeartbeatMember, own: OwnTimer): void {
    const wrote = member.lastWriteTick >= own.firedAt;
    own.firedAt = ++this.#tick;
    own.silentTicks = wrote ? 0 : own.silentTicks + 1;
    if (own.silentTicks >= TICKS_PER_PERIOD) {
      own.silentTicks = 0;
      member.sendHeartbeat(this.frame);
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
