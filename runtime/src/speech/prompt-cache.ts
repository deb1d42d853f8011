import type { SpeechSynthesizer, SynthesisRequest } from './ports.js';

/** Options of {@link PromptCache}. */
export interface PromptCacheOptions {
  /** Total μ-law bytes held (8000 bytes per second of audio). @default 16 MiB (≈35 min of audio) */
  readonly maxBytes?: number;
  /** Larger clips are passed through but not cached. @default maxBytes / 8 */
  readonly maxEntryBytes?: number;
}

/** Counters of a {@link PromptCache}, for the session summary and the benchmark. */
export interface PromptCacheStats {
  /** Requests answered from the cache. */
  readonly hits: number;
  /** Requests that started a synthesis. */
  readonly misses: number;
  /** Requests that joined an identical synthesis already under way. */
  readonly shared: number;
  readonly evictions: number;
  readonly entries: number;
  readonly bytes: number;
}

/**
 * A {@link SpeechSynthesizer} decorator that keeps finished syntheses in an LRU cache bounded in
 * bytes, so repeated prompts (greetings, "one moment", fallbacks) cost no Polly request and start
 * at once. The key is the request's identity independent of engine: text, ssml, language, voice.
 *
 * Only complete, successful syntheses are cached. Concurrent identical requests share one
 * synthesis (single-flight): each subscriber streams from the first chunk as the audio arrives,
 * one subscriber's abort only detaches it, and the shared synthesis is aborted (and not cached)
 * when its last subscriber leaves. Yielded chunks are the cached bytes themselves, shared by every
 * playback of the prompt (the port's chunks are read-only), so a cache hit copies nothing.
 */
export class PromptCache implements SpeechSynthesizer {
  private readonly maxBytes: number;
  private readonly maxEntryBytes: number;
  /** Map order is recency order: the first entry is the least recently used. */
  private readonly entries = new Map<string, readonly Uint8Array[]>();
  private readonly flights = new Map<string, Flight>();
  private bytes = 0;
  private readonly counters = { hits: 0, misses: 0, shared: 0, evictions: 0 };

  constructor(
    private readonly inner: SpeechSynthesizer,
    options: PromptCacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.maxEntryBytes = Math.min(this.maxBytes, options.maxEntryBytes ?? Math.floor(this.maxBytes / 8));
  }

  /** A snapshot of the counters. */
  get stats(): PromptCacheStats {
    return { ...this.counters, entries: this.entries.size, bytes: this.bytes };
  }

  async *synthesize(request: SynthesisRequest, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    const key = cacheKey(request);
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.counters.hits++;
      this.entries.delete(key);
      this.entries.set(key, cached);
      for (const chunk of cached) {
        if (signal.aborted) return;
        yield chunk;
      }
      return;
    }
    let flight = this.flights.get(key);
    if (flight === undefined) {
      this.counters.misses++;
      flight = this.startFlight(key, request);
    } else {
      this.counters.shared++;
    }
    yield* flight.subscribe(signal);
  }

  /** Synthesizes `request` into the cache ahead of use (e.g. the greeting at startup). */
  async preload(request: SynthesisRequest, signal: AbortSignal): Promise<void> {
    for await (const _chunk of this.synthesize(request, signal)) {
      // Draining is the point: the synthesis lands in the cache when it completes.
    }
  }

  private startFlight(key: string, request: SynthesisRequest): Flight {
    const flight = new Flight((signal) => this.inner.synthesize(request, signal), {
      onComplete: (chunks, size) => {
        this.flights.delete(key);
        this.store(key, chunks, size);
      },
      onEnd: () => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
      },
    });
    this.flights.set(key, flight);
    flight.start();
    return flight;
  }

  private store(key: string, chunks: readonly Uint8Array[], size: number): void {
    if (size === 0 || size > this.maxEntryBytes) return;
    this.entries.set(key, chunks);
    this.bytes += size;
    for (const [oldKey, oldChunks] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldKey);
      this.bytes -= byteLength(oldChunks);
      this.counters.evictions++;
    }
  }
}

/** One synthesis shared by every concurrent identical request. */
class Flight {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;
  private state: 'running' | 'done' | 'failed' = 'running';
  private failure: unknown;
  private subscribers = 0;
  private readonly controller = new AbortController();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly source: (signal: AbortSignal) => AsyncIterable<Uint8Array>,
    private readonly hooks: {
      readonly onComplete: (chunks: readonly Uint8Array[], size: number) => void;
      readonly onEnd: () => void;
    },
  ) {}

  start(): void {
    void this.pump();
  }

  async *subscribe(signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
    this.subscribers++;
    const wake = (): void => this.wakeAll();
    signal.addEventListener('abort', wake, { once: true });
    try {
      let index = 0;
      for (;;) {
        if (signal.aborted) return;
        const chunk = this.chunks[index];
        if (chunk !== undefined) {
          index++;
          yield chunk;
          continue;
        }
        if (this.state === 'done') return;
        if (this.state === 'failed') throw this.failure;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
    } finally {
      signal.removeEventListener('abort', wake);
      this.subscribers--;
      if (this.subscribers === 0 && this.state === 'running') {
        // Nobody listens any more: stop paying for it, and never cache the truncated audio.
        this.controller.abort();
        this.hooks.onEnd();
      }
    }
  }

  private async pump(): Promise<void> {
    try {
      for await (const chunk of this.source(this.controller.signal)) {
        this.chunks.push(chunk);
        this.size += chunk.length;
        this.wakeAll();
      }
      this.state = 'done';
      // An aborted synthesis ends quietly (port contract), so completion alone does not prove it whole.
      if (this.controller.signal.aborted) this.hooks.onEnd();
      else this.hooks.onComplete(this.chunks, this.size);
    } catch (error) {
      this.state = 'failed';
      this.failure = error;
      this.hooks.onEnd();
    }
    this.wakeAll();
  }

  private wakeAll(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

function cacheKey(request: SynthesisRequest): string {
  return JSON.stringify([request.text, request.ssml, request.languageCode, request.voice ?? null]);
}

function byteLength(chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  return total;
}
