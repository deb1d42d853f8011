import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../runtime/src/config/load-config.js';
import { ALB_IDLE_TIMEOUT_SECONDS, DEFAULT_MAX_CONNECTIONS, keepAliveTimeoutMsFor, TASK_NOFILE_LIMIT } from '../../../runtime/src/config/server-limits.js';

describe('limits shared by the runtime and the stack', () => {
  it('keeps idle keep-alive connections longer than the ALB does, and headers time out far sooner', () => {
    const config = loadConfig({});
    expect(config.httpKeepAliveTimeoutMs).toBe(keepAliveTimeoutMsFor(ALB_IDLE_TIMEOUT_SECONDS));
    expect(config.httpKeepAliveTimeoutMs).toBeGreaterThan(ALB_IDLE_TIMEOUT_SECONDS * 1_000);
  });

  it('caps connections well below the task’s open-file limit, leaving room for outbound sockets per session', () => {
    const config = loadConfig({});
    expect(config.maxConnections).toBe(DEFAULT_MAX_CONNECTIONS);
    // One inbound socket per connection plus up to two outbound per session (Transcribe, webhook), plus files.
    expect(DEFAULT_MAX_CONNECTIONS + 2 * config.maxSessions + 1_000).toBeLessThan(TASK_NOFILE_LIMIT);
  });
});
