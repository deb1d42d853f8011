import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The bot definitions available to connector ids (file name without `.json` = connector id). */
export interface BotCatalog {
  has(connectorId: string): boolean;
  readonly connectorIds: readonly string[];
  definition(connectorId: string): Readonly<Record<string, unknown>> | undefined;
}

/** Thrown at start when the bots directory is unusable; names the file and what is wrong. */
export class BotCatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BotCatalogError';
  }
}

const FILE_NAME = /^[A-Za-z0-9_-]{1,64}\.json$/;

/**
 * Loads every `<connectorId>.json` in `dir` once at start. A file that is not a JSON object, or a
 * directory without `default.json`, stops the start with an error naming the file.
 */
export async function loadBotCatalog(dir: string): Promise<BotCatalog> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    throw new BotCatalogError(`bots directory ${dir} cannot be read: ${(error as Error).message}`);
  }
  const definitions = new Map<string, Readonly<Record<string, unknown>>>();
  for (const name of names.filter((n) => FILE_NAME.test(n)).sort()) {
    const file = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new BotCatalogError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new BotCatalogError(`${file}: a bot definition must be a JSON object`);
    }
    definitions.set(basename(name, '.json'), Object.freeze(json as Record<string, unknown>));
  }
  if (!definitions.has('default')) throw new BotCatalogError(`${dir}: default.json is missing (the default connector id)`);
  return {
    has: (connectorId) => definitions.has(connectorId),
    connectorIds: [...definitions.keys()],
    definition: (connectorId) => definitions.get(connectorId),
  };
}
