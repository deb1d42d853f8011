import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The bots directory when BOTS_DIR is not set: `bots/` next to the bundle (the container image's
 * /app, the Lambda's /var/task), or the repository's `runtime/bots` when run from source.
 */
export function findBotsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'bots'), join(here, '..', '..', 'bots')];
  return candidates.find((dir) => existsSync(join(dir, 'default.json'))) ?? candidates[0]!;
}
