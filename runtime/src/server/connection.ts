import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../shared/logger.js';
import { toError } from '../shared/errors.js';
import type { AudioHookSession } from '../session/audiohook-session.js';
import type { SessionSocket } from '../session/ports.js';

/**
 * Adapts a `ws` WebSocket to the narrow socket the session writes to. A class, like the other
 * per-session parts: an object literal with a getter is a dictionary-mode object (about 500 bytes),
 * which thousands of sessions pay each.
 */
class WsSessionSocket implements SessionSocket {
  constructor(private readonly ws: WebSocket) {}

  sendText(text: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(text);
  }

  sendBinary(bytes: Uint8Array): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes, { binary: true });
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  pauseInput(): void {
    this.ws.pause();
  }

  terminate(): void {
    this.ws.terminate();
  }
}

export function toSessionSocket(ws: WebSocket): SessionSocket {
  return new WsSessionSocket(ws);
}

/**
 * Feeds a session from its WebSocket. Every callback catches at its own boundary: whatever one
 * connection sends, an exception never escapes into `ws` and never reaches another session.
 */
export function bindSocketToSession(ws: WebSocket, session: AudioHookSession, logger: Logger): void {
  ws.on('message', (data: RawData, isBinary: boolean) => {
    try {
      const buffer = toBuffer(data);
      if (isBinary) session.onBinary(buffer);
      else session.onText(buffer.toString('utf8'));
    } catch (error) {
      logger.error({ err: toError(error) }, 'session failed on input');
      ws.terminate();
    }
  });
  ws.on('error', (error: Error & { code?: string }) => {
    // ws reports protocol-level faults (oversized frame, bad UTF-8, bad opcode) and closes the socket itself.
    const code = error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'ERR_SOCKET_PAYLOAD_TOO_LARGE' : error.code;
    logger.warn({ code, err: error.message }, 'websocket error');
  });
  ws.on('close', (closeCode: number) => {
    logger.debug({ closeCode }, 'websocket closed');
    try {
      session.onSocketClosed();
    } catch (error) {
      logger.error({ err: toError(error) }, 'session failed on close');
    }
  });
}

/** `ws` delivers a Buffer with the default binaryType; the other shapes are handled without copying where possible. */
function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
