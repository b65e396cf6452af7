// Board mode's slow auto-scroll: a long list scrolls down at reading speed, rests at the end,
// then starts again from the top. Never under prefers-reduced-motion, and it pauses while the
// pointer is over the grid so that someone reading at the screen can scroll by hand.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

const PIXELS_PER_SECOND = 24;
const REST_MS = 4_000;

export class AutoScroll implements ReactiveController {
  private _scroller: () => HTMLElement | null;
  private _enabled = false;
  private _frame = 0;
  private _last = 0;
  private _restUntil = 0;
  /** Fractions of a pixel carried over: scrollTop takes whole pixels. */
  private _carry = 0;
  private readonly _motion = matchMedia('(prefers-reduced-motion: reduce)');

  constructor(host: ReactiveControllerHost, scroller: () => HTMLElement | null) {
    this._scroller = scroller;
    host.addController(this);
  }

  /** True while it scrolls (board mode on, motion allowed). */
  get running(): boolean {
    return this._frame !== 0;
  }

  set enabled(on: boolean) {
    this._enabled = on;
    this._sync();
  }

  hostConnected(): void {
    this._motion.addEventListener('change', this._sync);
    this._sync();
  }

  hostDisconnected(): void {
    this._motion.removeEventListener('change', this._sync);
    this._stop();
  }

  private readonly _sync = (): void => {
    if (this._enabled && !this._motion.matches) {
      if (!this._frame) {
        this._last = performance.now();
        this._restUntil = this._last + REST_MS;
        this._frame = requestAnimationFrame(this._step);
      }
    } else this._stop();
  };

  private _stop(): void {
    if (this._frame) cancelAnimationFrame(this._frame);
    this._frame = 0;
  }

  private readonly _step = (now: number): void => {
    this._frame = requestAnimationFrame(this._step);
    const elapsed = now - this._last;
    this._last = now;
    const scroller = this._scroller();
    if (!scroller || now < this._restUntil || scroller.matches(':hover')) return;
    const end = scroller.scrollHeight - scroller.clientHeight;
    if (end <= 0) return;
    if (scroller.scrollTop >= end - 1) {
      scroller.scrollTop = 0;
      this._restUntil = now + REST_MS;
      return;
    }
    this._carry += (elapsed / 1000) * PIXELS_PER_SECOND;
    const step = Math.floor(this._carry);
    if (step < 1) return;
    this._carry -= step;
    scroller.scrollTop += step;
    if (scroller.scrollTop >= end - 1) this._restUntil = now + REST_MS;
  };
}
