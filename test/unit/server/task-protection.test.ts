import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTaskProtection, type TaskProtection } from '../../../runtime/src/server/task-protection.js';
import type { Logger } from '../../../runtime/src/shared/logger.js';
import { FakeClock } from '../../support/fake-clock.js';

interface AgentRequest {
  readonly method: string;
  readonly url: string;
  readonly contentType: string | undefined;
  readonly body: { ProtectionEnabled?: boolean; ExpiresInMinutes?: number };
}

/** A stand-in for the ECS container agent on 127.0.0.1: records requests, answers as scripted. */
class FakeAgent {
  readonly requests: AgentRequest[] = [];
  /** Statuses for the next responses, in order; 200 once empty. */
  readonly statuses: number[] = [];
  /** When true, responses wait until `releaseHeld()`. */
  holdResponses = false;
  inFlight = 0;
  maxInFlight = 0;
  private held: (() => void)[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/api/abc-123`;
  }

  releaseHeld(): void {
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  async stop(): Promise<void> {
    this.releaseHeld();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let text = '';
    for await (const chunk of req) text += String(chunk);
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      contentType: req.headers['content-type'],
      body: JSON.parse(text) as AgentRequest['body'],
    });
    const status = this.statuses.shift() ?? 200;
    const answer = (): void => {
      this.inFlight -= 1;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"protection":{"ProtectionEnabled":true}}' : '{"error":{"Code":"ServerException"}}');
    };
    if (this.holdResponses) this.held.push(answer);
    else answer();
  }
}

/** A logger that keeps warn messages so tests can see that failures were reported. */
function capturingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger & { warnings: string[] } = {
    warnings,
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: (_fields, msg) => void warnings.push(msg),
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}

const enabledFlags = (agent: FakeAgent): (boolean | undefined)[] => agent.requests.map((r) => r.body.ProtectionEnabled);

describe('createTaskProtection', () => {
  let agent: FakeAgent;
  let agentUri: string;
  let clock: FakeClock;
  let logger: ReturnType<typeof capturingLogger>;
  let protection: TaskProtection | undefined;

  beforeEach(async () => {
    agent = new FakeAgent();
    agentUri = await agent.start();
    clock = new FakeClock();
    logger = capturingLogger();
  });

  afterEach(async () => {
    await protection?.release();
    protection = undefined;
    await agent.stop();
  });

  it('enables protection with the configured expiry when the first session starts', async () => {
    // GIVEN a controller talking to the agent
    protection = createTaskProtection({ agentUri, clock, logger, expiresInMinutes: 90 });
    // WHEN a session goes live
    protection.update(1);
    // THEN the agent gets one PUT on the task-protection path with a JSON body
    await vi.waitFor(() => expect(agent.requests).toHaveLength(1));
    expect(agent.requests[0]).toEqual({
      method: 'PUT',
      url: '/api/abc-123/task-protection/v1/state',
      contentType: 'application/json',
      body: { ProtectionEnabled: true, ExpiresInMinutes: 90 },
    });
  });

  it('sends nothing more while the session count changes but stays above zero', async () => {
    // GIVEN protection already enabled for one session
    protection = createTaskProtection({ agentUri, clock, logger });
    protection.update(1);
    await vi.waitFor(() => expect(agent.requests).toHaveLength(1));
    // WHEN more sessions come and go, and finally all end
    protection.update(2);
    protection.update(3);
    protection.update(1);
    protection.update(0);
    // THEN the only other request is the one that disables protection
    await vi.waitFor(() => expect(agent.requests).toHaveLength(2));
    expect(agent.requests[1]?.body).toEqual({ ProtectionEnabled: false });
  });

  it('renews the protection before it expires while sessions stay live', async () => {
    // GIVEN protection enabled for 120 minutes
    protection = createTaskProtection({ agentUri, clock, logger, expiresInMinutes: 120 });
    protection.update(1);
    await vi.waitFor(() => expect(agent.requests).toHaveLength(1));
    // WHEN an hour (half the expiry) passes with the session still live
    clock.advance(60 * 60_000);
    // THEN protection is requested again, well before the first grant lapses
    await vi.waitFor(() => expect(agent.requests).toHaveLength(2));
    expect(enabledFlags(agent)).toEqual([true, true]);
  });

  it('stops renewing once the last session has ended', async () => {
    // GIVEN protection that was enabled and then disabled
    protection = createTaskProtection({ agentUri, clock, logger });
    protection.update(1);
    await vi.waitFor(() => expect(agent.requests).toHaveLength(1));
    protection.update(0);
    await vi.waitFor(() => expect(agent.requests).toHaveLength(2));
    // WHEN far more than the renewal interval passes
    clock.advance(5 * 60 * 60_000);
    // THEN no timer is left and the agent heard nothing more
    expect(clock.pendingTimers).toBe(0);
    expect(enabledFlags(agent)).toEqual([true, false]);
  });

  it('logs a failed request and retries it after the back-off without throwing', async () => {
    // GIVEN an agent whose first answer is a server error
    agent.statuses.push(500);
    protection = createTaskProtection({ agentUri, clock, logger, retryDelayMs: 1_000 });
    // WHEN a session goes live
    expect(() => protection!.update(1)).not.toThrow();
    await vi.waitFor(() => expect(logger.warnings).toEqual(['task protection request refused']));
    // THEN the request is repeated once the retry delay has passed
    clock.advance(1_000);
    await vi.waitFor(() => expect(agent.requests).toHaveLength(2));
    expect(enabledFlags(agent)).toEqual([true, true]);
  });

  it('never has two requests in flight and sends only the latest wanted state afterwards', async () => {
    // GIVEN an agent that is slow to answer the first request
    agent.holdResponses = true;
    protection = createTaskProtection({ agentUri, clock, logger });
    protection.update(1);
    await vi.waitFor(() => expect(agent.requests).toHaveLength(1));
    // WHEN sessions flap while that request is outstanding, ending at zero
    protection.update(0);
    protection.update(2);
    protection.update(0);
    agent.holdResponses = false;
    agent.releaseHeld();
    // THEN one follow-up request disables protection, and requests never overlapped
    await vi.waitFor(() => expect(agent.requests).toHaveLength(2));
    expect(enabledFlags(agent)).toEqual([true, false]);
    expect(agent.maxInFlight).toBe(1);
  });

  it('does nothing without an agent URI', async () => {
    // GIVEN a local run, where ECS_AGENT_URI is not set
    const fetchSpy = vi.fn<typeof fetch>();
    protection = createTaskProtection({ agentUri: undefined, clock, logger, fetch: fetchSpy });
    // WHEN sessions start and the server shuts down
    protection.update(3);
    await protection.release();
    // THEN no request was made
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('disables protection on release', async () => {
    // GIVEN a protected task
    protection = createTaskProtection({ agentUri, clock, logger });
    protection.update(1);
    await vi.waitFor(() => expect(agent.requests).toHaveLength(1));
    // WHEN the server releases protection at shutdown
    await protection.release();
    // THEN the agent was told to disable it and later updates are ignored
    protection.update(4);
    expect(enabledFlags(agent)).toEqual([true, false]);
  });

  it('resolves release even when the agent cannot be reached', async () => {
    // GIVEN an agent address where nothing listens
    await agent.stop();
    protection = createTaskProtection({ agentUri, clock, logger });
    protection.update(1);
    await vi.waitFor(() => expect(logger.warnings.length).toBeGreaterThan(0));
    // WHEN the server releases protection
    // THEN release completes without throwing and the failures were logged
    await expect(protection.release()).resolves.toBeUndefined();
    expect(logger.warnings.every((w) => w === 'task protection request failed')).toBe(true);
  });

  it('rejects an expiry outside the range the agent accepts', () => {
    // GIVEN / WHEN / THEN: 0 and 2881 minutes are refused at construction
    expect(() => createTaskProtection({ agentUri, clock, logger, expiresInMinutes: 0 })).toThrow(RangeError);
    expect(() => createTaskProtection({ agentUri, clock, logger, expiresInMinutes: 2_881 })).toThrow(RangeError);
  });
});
