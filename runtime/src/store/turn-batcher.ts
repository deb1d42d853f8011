import type { Cancel, Clock } from '../shared/clock.js';
import { AppError } from '../shared/errors.js';
import { STORE_ERROR_CODES, toStoreError } from './store-errors.js';

/** What one batch request came to: results by entry id, and the ids DynamoDB left unprocessed. */
export interface BatchAnswer<R> {
  readonly results: ReadonlyMap<string, R>;
  readonly unprocessed: ReadonlySet<string>;
}

/** How a {@link createTurnBatcher} groups, sends and retries. */
export interface TurnBatcherOptions<V, R> {
  readonly clock: Clock;
  /** The DynamoDB operation, for errors (`BatchGetItem`, `BatchWriteItem`). */
  readonly operation: string;
  readonly maxPerRequest: number;
  /**
   * How long the first entry of a batch waits for company, on the injected clock; a full batch goes
   * at once. 0 (default): until the end of the turn. For writes nobody waits on (write-behind).
   */
  readonly gatherMs?: number;
  /**
   * Requests at least this far apart, on the injected clock: an entry made longer than this after
   * the last request goes at the end of its turn, one made sooner waits for the rest of the
   * spacing with whatever comes meanwhile. Bounds the request rate under a burst without delaying
   * a lone entry. 0 (default): no spacing. For requests someone waits on (the nonce check).
   */
  readonly spacingMs?: number;
  /** The entry's item key: DynamoDB refuses a request that names one key twice. */
  readonly idOf: (value: V) => string;
  /** One request for `values` (distinct ids, at most `maxPerRequest`). */
  readonly send: (values: readonly V[]) => Promise<BatchAnswer<R>>;
}

/** Requests an entry DynamoDB left unprocessed (it was throttling) is sent in at most, the first included. */
const MAX_ATTEMPTS = 3;
/** Back-off before sending unprocessed entries again, doubled per further attempt. */
const UNPROCESSED_BACKOFF_MS = 50;

interface Waiter<R> {
  resolve: (result: R | undefined) => void;
  reject: (error: unknown) => void;
}

interface Pending<V, R> {
  readonly id: string;
  value: V;
  readonly waiters: Waiter<R>[];
  attempts: number;
}

/**
 * Item requests of one table made during one turn of the event loop (setImmediate), or within
 * `gatherMs`, or within `spacingMs` of the last request, sent together as batch requests of at most
 * `maxPerRequest` entries. Under a burst of opens (a reconnect storm after a task is lost) each
 * open's read, create or nonce is one entry of a shared request instead of a request of its own,
 * and each request costs the SDK's middleware, signing and an HTTP exchange; a lone entry still
 * goes out at the end of its turn (or of its window), so nothing waits longer for company.
 *
 * An id asked again before it is sent is sent once, with the later value, and answers both callers.
 * Entries of one id sent in different batches are not ordered against each other: callers that
 * write one item twice order the writes themselves (the write-behind queue does). Entries DynamoDB
 * leaves unprocessed (it throttles per item) are sent again after a back-off on the injected clock
 * and given up after {@link MAX_ATTEMPTS} with a throttled store error; a request that fails fails
 * each of its entries with the store error of its cause.
 */
export function createTurnBatcher<V, R>(options: TurnBatcherOptions<V, R>): (value: V) => Promise<R | undefined> {
  const { clock, operation, maxPerRequest, idOf, send } = options;
  const gatherMs = options.gatherMs ?? 0;
  const spacingMs = options.spacingMs ?? 0;
  let waiting = new Map<string, Pending<V, R>>();
  let flushScheduled = false;
  let cancelWait: Cancel | undefined;
  let lastSentAt = -Infinity;

  function schedule(): void {
    const full = waiting.size >= maxPerRequest;
    // Already due: at the end of this turn, or when the window ends unless the batch just filled.
    if (flushScheduled && (cancelWait === undefined || !full)) return;
    cancelWait?.();
    cancelWait = undefined;
    flushScheduled = true;
    const spacingLeft = lastSentAt + spacingMs - clock.now();
    if (gatherMs > 0 && !full) cancelWait = clock.setTimer(gatherMs, flush);
    else if (spacingLeft > 0 && !full) cancelWait = clock.setTimer(spacingLeft, flush);
    else setImmediate(flush);
  }

  function flush(): void {
    flushScheduled = false;
    cancelWait = undefined;
    const entries = [...waiting.values()];
    waiting = new Map();
    if (entries.length > 0) lastSentAt = clock.now();
    for (let start = 0; start < entries.length; start += maxPerRequest) {
      const batch = entries.slice(start, start + maxPerRequest);
      // request() settles every entry itself; this only keeps a bug in it from leaving callers hanging.
      request(batch).catch((error: unknown) => rejectAll(batch, toStoreError(operation, error)));
    }
  }

  function sendAgain(entries: Pending<V, R>[]): void {
    const attempts = Math.max(...entries.map((entry) => entry.attempts));
    clock.setTimer(UNPROCESSED_BACKOFF_MS * 2 ** (attempts - 1), () => {
      for (const entry of entries) {
        // The same id asked afresh meanwhile: the fresh (later) value answers both.
        const fresh = waiting.get(entry.id);
        if (fresh === undefined) waiting.set(entry.id, entry);
        else fresh.waiters.push(...entry.waiters);
      }
      schedule();
    });
  }

  async function request(entries: Pending<V, R>[]): Promise<void> {
    for (const entry of entries) entry.attempts += 1;
    let answer: BatchAnswer<R>;
    try {
      answer = await send(entries.map((entry) => entry.value));
    } catch (error) {
      rejectAll(entries, toStoreError(operation, error));
      return;
    }
    const again: Pending<V, R>[] = [];
    for (const entry of entries) {
      if (!answer.unprocessed.has(entry.id)) for (const waiter of entry.waiters) waiter.resolve(answer.results.get(entry.id));
      else if (entry.attempts < MAX_ATTEMPTS) again.push(entry);
      else rejectAll([entry], unprocessedFailure(operation, entry.attempts));
    }
    if (again.length > 0) sendAgain(again);
  }

  return (value) =>
    new Promise((resolve, reject) => {
      const id = idOf(value);
      const entry = waiting.get(id);
      if (entry === undefined) waiting.set(id, { id, value, waiters: [{ resolve, reject }], attempts: 0 });
      else {
        entry.value = value;
        entry.waiters.push({ resolve, reject });
      }
      schedule();
    });
}

function rejectAll<V, R>(entries: readonly Pending<V, R>[], error: unknown): void {
  for (const entry of entries) for (const waiter of entry.waiters) waiter.reject(error);
}

function unprocessedFailure(operation: string, attempts: number): AppError {
  return new AppError(STORE_ERROR_CODES.throttled, `DynamoDB ${operation} left the item unprocessed ${attempts} times`, { category: 'throttled' });
}
