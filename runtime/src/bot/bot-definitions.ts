import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../shared/clock.js';
import { lineOfJsonError, lineOfJsonPath } from '../shared/json-lines.js';
import type { StartupProblem } from '../shared/startup-problems.js';
import { parseBotDefinition } from './definition-schema.js';
import { createBot } from './create-bot.js';
import type { Bot } from './ports.js';

/** The bots available to callers, by connector id (the definition's file name without `.json`). */
export interface BotRegistry {
  has(connectorId: string): boolean;
  get(connectorId: string): Bot | undefined;
  /** Sorted. Always contains `default`. */
  readonly connectorIds: readonly string[];
}

/** What {@link loadBots} needs besides the directory. */
export interface LoadBotsOptions {
  readonly clock: Clock;
  /** The HTTP client of webhook bots; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

/** One problem found while loading: which file, which field, what is wrong. */
export interface BotDefinitionProblem {
  readonly file: string;
  /** A field path such as `intents[0].keys[1]`, or `(root)` / `(file)` for the whole file. */
  readonly path: string;
  /** 1-based line in the file where the field (or its nearest existing parent) starts. */
  readonly line?: number;
  readonly message: string;
}

/** Thrown at start when the bots directory is unusable; lists every problem in every file. */
export class BotDefinitionError extends Error {
  readonly problems: readonly BotDefinitionProblem[];

  constructor(problems: readonly BotDefinitionProblem[]) {
    super(`invalid bot definitions:\n${problems.map((p) => `  ${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'BotDefinitionError';
    this.problems = problems;
  }
}

/** The default connector id; its file must exist (DESIGN §4: `default` always exists). */
export const DEFAULT_CONNECTOR_ID = 'default';

const CONNECTOR_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Loads every `<connectorId>.json` in `dir` once at start. Every file is validated before anything
 * is reported, so one start shows all mistakes at once; any problem (or a missing `default.json`)
 * throws a {@link BotDefinitionError} naming the file and the field. Other files are ignored.
 */
export async function loadBots(dir: string, options: LoadBotsOptions): Promise<BotRegistry> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new BotDefinitionError([{ file: dir, path: '(directory)', message: `cannot be read (${describe(error)})` }]);
  }
  const problems: BotDefinitionProblem[] = [];
  const bots = new Map<string, Bot>();
  // Late-bound so a test or tool that replaces the global fetch after loading is honoured.
  const deps = { clock: options.clock, fetch: options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args)) };
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    const connectorId = name.slice(0, -'.json'.length);
    if (!CONNECTOR_ID.test(connectorId)) {
      problems.push({ file, path: '(file name)', message: 'a connector id is 1-64 letters, digits, - or _' });
      continue;
    }
    let json: unknown;
    let text = '';
    try {
      text = await readFile(file, 'utf8');
      json = JSON.parse(text);
    } catch (error) {
      const line = lineOfJsonError(text, describe(error));
      problems.push({ file, path: '(file)', ...(line === undefined ? {} : { line }), message: `not readable JSON (${describe(error)})` });
      continue;
    }
    const parsed = parseBotDefinition(json);
    if (!parsed.ok) {
      problems.push(...parsed.error.map((issue) => ({ file, path: issue.path, line: lineOfJsonPath(text, issue.path), message: issue.message })));
      continue;
    }
    bots.set(connectorId, createBot(connectorId, parsed.value, deps));
  }
  if (!names.includes(`${DEFAULT_CONNECTOR_ID}.json`)) {
    problems.push({ file: join(dir, `${DEFAULT_CONNECTOR_ID}.json`), path: '(file)', message: 'missing: the default connector id must exist' });
  }
  if (problems.length > 0) throw new BotDefinitionError(problems);
  return createBotRegistry(bots);
}

/** {@link loadBots} as a start-up check: every problem in every bot file, with file and line. */
export async function checkBotDefinitions(dir: string, options: LoadBotsOptions): Promise<readonly StartupProblem[]> {
  try {
    await loadBots(dir, options);
    return [];
  } catch (error) {
    if (!(error instanceof BotDefinitionError)) throw error;
    return error.problems.map((p) => ({
      source: p.file,
      ...(p.line === undefined ? {} : { line: p.line }),
      ...(p.path.startsWith('(') ? {} : { field: p.path }),
      message: p.path.startsWith('(') && p.path !== '(root)' ? `${p.path.slice(1, -1)} ${p.message}` : p.message,
    }));
  }
}

/** A registry over already-built bots (tests and tools that do not read a directory). */
export function createBotRegistry(bots: ReadonlyMap<string, Bot>): BotRegistry {
  const byId = new Map(bots);
  const connectorIds = Object.freeze([...byId.keys()].sort());
  return {
    has: (connectorId) => byId.has(connectorId),
    get: (connectorId) => byId.get(connectorId),
    connectorIds,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
