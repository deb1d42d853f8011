import { describe, expect, it } from 'vitest';
import { ENV } from '../../../runtime/src/config/env-keys.js';
import { ConfigError, loadConfig } from '../../../runtime/src/config/load-config.js';

/** The problems loadConfig throws for `env`, as the env var names it names (`NAME: message`). */
function problemVars(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems.map((p) => p.split(':', 1)[0] ?? '').sort();
  }
  return [];
}

const KEYS_JSON = JSON.stringify({ 'test-key': '' });

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadConfig({})).toMatchObject({
      nodeEnv: 'development',
      port: 8080,
      host: '0.0.0.0',
      logLevel: 'info',
      apiKeysJson: undefined,
      apiKeysSecretId: undefined,
      apiKeysRefreshMs: 300_000,
      apiKeysPreviousGraceMs: 3_600_000,
      botsDir: undefined,
      drainTimeoutMs: 110_000,
      maxSessions: 2_000,
      signatureClockSkewMs: 3_000,
      signatureMaxAgeMs: 10_000,
      authFailureDelayMs: 500,
      openTimeoutMs: 5_000,
      closeTimeoutMs: 10_000,
      idleTimeoutMs: 30_000,
      logCallerData: false,
      sessionTableName: undefined,
      sessionTtlDays: 30,
      conversationWriteIntervalMs: 15_000,
      localDataDir: '.data',
      metricsNamespace: 'GenesysVoiceBot',
      ecsAgentUri: undefined,
      awsRegion: undefined,
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ [ENV.PORT]: '', [ENV.LOG_LEVEL]: '', [ENV.AUDIOHOOK_API_KEYS]: '' })).toMatchObject({
      port: 8080,
      logLevel: 'info',
      apiKeysJson: undefined,
    });
  });

  it('coerces numbers from their strings', () => {
    const config = loadConfig({ [ENV.PORT]: '9000', [ENV.OPEN_TIMEOUT_MS]: '2500', [ENV.MAX_SESSIONS]: '10' });
    expect(config).toMatchObject({ port: 9000, openTimeoutMs: 2_500, maxSessions: 10 });
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
  ])('reads the flag value %s as %s', (value, flag) => {
    expect(loadConfig({ [ENV.LOG_CALLER_DATA]: value }).logCallerData).toBe(flag);
  });

  it('trims optional text values', () => {
    expect(loadConfig({ [ENV.SESSION_TABLE_NAME]: '  sessions  ' }).sessionTableName).toBe('sessions');
  });

  it('collects every bad value into one ConfigError naming each env var', () => {
    expect(problemVars({ [ENV.PORT]: 'abc', [ENV.LOG_LEVEL]: 'loud' })).toEqual([ENV.LOG_LEVEL, ENV.PORT]);
  });

  it('throws a ConfigError', () => {
    expect(() => loadConfig({ [ENV.PORT]: 'abc' })).toThrow(ConfigError);
  });

  it.each([
    [ENV.PORT, '70000'],
    [ENV.PORT, '80.5'],
    [ENV.NODE_ENV, 'staging'],
    [ENV.LOG_CALLER_DATA, 'maybe'],
    [ENV.OPEN_TIMEOUT_MS, '99'],
    [ENV.IDLE_TIMEOUT_MS, '-1'],
    [ENV.MAX_SESSIONS, '0'],
    [ENV.SESSION_TTL_DAYS, '4000'],
    [ENV.CONVERSATION_WRITE_INTERVAL_MS, '60001'],
    [ENV.CONVERSATION_WRITE_INTERVAL_MS, '-1'],
    [ENV.CONVERSATION_WRITE_INTERVAL_MS, '2.5'],
  ])('rejects %s=%s naming that variable', (name, value) => {
    expect(problemVars({ [name]: value })).toEqual([name]);
  });

  it.each([
    ['0', 0],
    ['60000', 60_000],
  ])('accepts CONVERSATION_WRITE_INTERVAL_MS=%s (0 = a write after every turn)', (value, intervalMs) => {
    expect(loadConfig({ [ENV.CONVERSATION_WRITE_INTERVAL_MS]: value }).conversationWriteIntervalMs).toBe(intervalMs);
  });

  it('rejects AUDIOHOOK_API_KEYS and API_KEYS_SECRET_ID together', () => {
    expect(problemVars({ [ENV.AUDIOHOOK_API_KEYS]: KEYS_JSON, [ENV.API_KEYS_SECRET_ID]: 'voicebot/keys' })).toEqual([
      ENV.API_KEYS_SECRET_ID,
    ]);
  });

  it('rejects production without API keys', () => {
    expect(problemVars({ [ENV.NODE_ENV]: 'production' })).toEqual([ENV.API_KEYS_SECRET_ID]);
  });

  it.each([
    [ENV.API_KEYS_SECRET_ID, 'voicebot/keys'],
    [ENV.AUDIOHOOK_API_KEYS, KEYS_JSON],
  ])('accepts production with %s', (name, value) => {
    expect(loadConfig({ [ENV.NODE_ENV]: 'production', [name]: value }).nodeEnv).toBe('production');
  });

  it('rejects a close timeout far longer than the drain timeout', () => {
    expect(problemVars({ [ENV.DRAIN_TIMEOUT_MS]: '1000', [ENV.CLOSE_TIMEOUT_MS]: '70000' })).toEqual([ENV.CLOSE_TIMEOUT_MS]);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  // Regression: `z.coerce.number()` reads a blank string as 0, so PORT='  ' listened on a random port.
  it('treats a whitespace-only number as unset, as it treats an empty one', () => {
    expect(loadConfig({ [ENV.PORT]: '  ' }).port).toBe(8080);
  });
});
