// Connects a Lit element to a share: the element renders `model` and `state`, the controller
// owns the socket (through LiveClient) and asks the host to update when either changes.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DeltaFrame, SnapshotFrame } from '../../protocol/wire.ts';
import { LiveClient } from '../../client/src/live-client.ts';
import type { LiveState } from '../../client/src/live-client.ts';
import { SheetModel } from './sheet.ts';

export interface LiveControllerOptions {
  /** Keep the cells: an element that only needs presence (the sidebar) says false. */
  cells?: boolean;
  /** Called after each applied delta or snapshot with the number of cells that changed. */
  onChange?: (changed: number) => void;
}

export class LiveController implements ReactiveController {
  readonly model = new SheetModel();
  state: LiveState = { status: 'connecting', message: '', viewers: null, closeCode: null };
  private readonly _host: ReactiveControllerHost;
  private readonly _options: LiveControllerOptions;
  private _client: LiveClient | null = null;
  private _target = '';
  private _connected = false;

  constructor(host: ReactiveControllerHost, options: LiveControllerOptions = {}) {
    this._host = host;
    this._options = options;
    host.addController(this);
  }

  /** Follows `share` on `relay`; a change of either starts a new connection, the same pair is a no-op. */
  follow(relay: string, share: string): void {
    const target = share ? `${relay}\n${share}` : '';
    if (target === this._target) return;
    this._target = target;
    this._restart(relay, share);
  }

  hostConnected(): void {
    this._connected = true;
    this._client?.start();
  }

  hostDisconnected(): void {
    this._connected = false;
    this._client?.stop();
  }

  private _restart(relay: string, share: string): void {
    this._client?.stop();
    this._client = null;
    this.model.title = '';
    this.model.tabs = [];
    this.model.view = {};
    this.state = { status: 'connecting', message: '', viewers: null, closeCode: null };
    if (share) {
      const cells = this._options.cells !== false;
      this._client = new LiveClient({
        relay,
        share,
        listener: {
          snapshot: (frame: SnapshotFrame) => {
            if (cells) this._changed(this.model.loadSnapshot(frame, performance.now()));
            else this.model.title = frame.title;
          },
          delta: (frame: DeltaFrame) => {
            if (cells) this._changed(this.model.applyDelta(frame, performance.now()));
          },
          state: (state: LiveState) => {
            this.state = state;
            if (state.status === 'stopped' && this.model.tabs.length > 0) {
              // Unpublished, or this viewer is no longer let in: the cells leave the screen too.
              this.model.title = '';
              this.model.tabs = [];
              this._changed(0);
            }
            this._host.requestUpdate();
          },
        },
      });
      if (this._connected) this._client.start();
    }
    this._host.requestUpdate();
  }

  private _changed(count: number): void {
    this._options.onChange?.(count);
    this._host.requestUpdate();
  }
}
