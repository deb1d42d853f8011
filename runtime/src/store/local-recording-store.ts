import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { RecordingObjectStore } from './recording-ports.js';

/** Recordings as files under a local directory (no bucket configured): `<dir>/<key>`. */
export function createLocalRecordingStore(directory: string): RecordingObjectStore {
  const root = resolve(directory);
  return {
    async put(object) {
      const path = resolve(join(root, object.key));
      // Keys are built from sanitized ids, but a path outside the directory is never written.
      if (!path.startsWith(root + sep)) throw new Error(`recording key outside the directory: ${object.key}`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, object.body);
    },
  };
}
