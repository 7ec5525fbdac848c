// Mattermost's WebSocketClient is written for browsers: on Node 20 it needs a global WebSocket (for its
// readyState constants) and CloseEvent (it builds one when it gives up on a connection itself). Importing
// this module provides both, unless the runtime already has them (Node 22 does).
import WebSocket from 'ws';

globalThis.WebSocket ??= WebSocket as unknown as typeof globalThis.WebSocket;
globalThis.CloseEvent ??= class CloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: { code?: number; reason?: string; wasClean?: boolean } = {}) {
    super(type);
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
    this.wasClean = init.wasClean ?? false;
  }
} as unknown as typeof globalThis.CloseEvent;
