// Viewers send nothing but pongs, so what they do send is budgeted: a socket that sends messages
// or pings faster than the budget refills is closed with 4429 instead of costing the relay work.
import type { Viewer } from './viewer.ts';
import { CloseCode } from '../../protocol/wire.ts';

const MINUTE_MS = 60_000;

/** Spends one frame per message or ping from `socket`, from a bucket of `perMinute` that refills over a minute; `spent` hears of a close. */
export function budgetFrames(socket: Viewer, perMinute: number, spent: () => void): void {
  let left = perMinute;
  let at = Date.now();
  const spend = () => {
    const now = Date.now();
    left = Math.min(perMinute, left + ((now - at) * perMinute) / MINUTE_MS);
    at = now;
    if (--left >= 0) return;
    socket.off('message', spend);
    socket.off('ping', spend);
    spent();
    socket.close(CloseCode.TooManyConnections, 'too many frames from this viewer');
  };
  socket.on('message', spend);
  socket.on('ping', spend);
}
