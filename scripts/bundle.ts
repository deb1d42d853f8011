/**
 * Bundles the runtime server into one ESM file plus what it needs at run time, in a directory the
 * CDK app uses as the container image asset (Dockerfile included), so the image build only copies.
 *
 *   npx tsx scripts/bundle.ts            → dist/runtime/
 *
 * Layout of the output directory:
 *   main.mjs, main.mjs.map   the server (esbuild: platform node, target node22, ESM)
 *   fvad.wasm                WebRTC VAD binary; @echogarden/fvad-wasm loads it next to the importing file
 *   bots/                    copy of runtime/bots (BOTS_DIR=/app/bots in the image)
 *   Dockerfile, .dockerignore
 *
 * `@echogarden/espeak-ng-emscripten` (the GPL-3.0, 24 MB local-development speech synthesizer) is
 * left external and is not in the image: production speaks through Polly, and the runtime must only
 * load it with a dynamic `import()` in its local fallback path. `dynalite` (the embedded
 * DynamoDB-compatible table for `npm start` without SESSION_TABLE_NAME) is external for the same
 * reason: the container always uses a real table.
 */
import { build } from 'esbuild';
import { copyFile, cp, mkdir, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file lives in scripts/). */
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages kept out of the bundle; see the file comment. */
export const EXTERNAL_PACKAGES = Object.freeze(['@echogarden/espeak-ng-emscripten', 'dynalite'] as const);

/**
 * Gives CommonJS dependencies a working `require` inside the ESM bundle. The aliased import cannot
 * clash with a `createRequire` import that esbuild hoists from bundled modules.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __voiceBotCreateRequire } from 'node:module'; const require = __voiceBotCreateRequire(import.meta.url);";

/** Options of {@link bundleRuntime}; relative paths resolve against the repository root. */
export interface BundleOptions {
  /**
   * The server's entry module.
   * @default 'runtime/src/main.ts'
   */
  readonly entry?: string;
  /**
   * Output directory; emptied first so stale files never reach the image (or its asset hash).
   * @default 'dist/runtime'
   */
  readonly outDir?: string;
  /**
   * Bot definitions copied to `<outDir>/bots` (skipped if the directory does not exist).
   * @default 'runtime/bots'
   */
  readonly botsDir?: string;
  /**
   * Dockerfile copied into the output; `.dockerignore` is taken from the same directory.
   * @default 'runtime/Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Minify the bundle. Off by default: readable stack traces matter more than a few MB in the image.
   * @default false
   */
  readonly minify?: boolean;
}

/** What {@link bundleRuntime} produced. */
export interface BundleResult {
  /** Absolute output directory, usable as a container image asset. */
  readonly outDir: string;
  /** Absolute path of the bundled entry. */
  readonly mainFile: string;
}

/** Bundles the runtime into `outDir` (see the file comment for the layout). */
export async function bundleRuntime(options: BundleOptions = {}): Promise<BundleResult> {
  const fromRoot = (path: string): string => resolve(REPO_ROOT, path);
  const entry = fromRoot(options.entry ?? 'runtime/src/main.ts');
  const outDir = fromRoot(options.outDir ?? 'dist/runtime');
  const botsDir = fromRoot(options.botsDir ?? 'runtime/bots');
  const dockerfile = fromRoot(options.dockerfile ?? 'runtime/Dockerfile');
  const mainFile = join(outDir, 'main.mjs');

  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [entry],
    outfile: mainFile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    sourcemap: true,
    // Stack traces need the mappings only; leaving sources out keeps the map small.
    sourcesContent: false,
    minify: options.minify ?? false,
    banner: { js: ESM_REQUIRE_BANNER },
    external: [...EXTERNAL_PACKAGES],
    // Lets an entry outside the repository (tests use a temp dir) resolve the repository's packages.
    nodePaths: [join(REPO_ROOT, 'node_modules')],
    // Licence notices of bundled packages stay in the shipped file.
    legalComments: 'eof',
    logLevel: 'warning',
  });

  const fvadWasm = resolvePackageFile('@echogarden/fvad-wasm', 'fvad.wasm');
  if (fvadWasm !== undefined) await copyFile(fvadWasm, join(outDir, 'fvad.wasm'));
  // The Dockerfile copies bots/, so it must exist even when there is nothing to copy.
  await mkdir(join(outDir, 'bots'));
  if (await isDirectory(botsDir)) await cp(botsDir, join(outDir, 'bots'), { recursive: true });
  await copyFile(dockerfile, join(outDir, 'Dockerfile'));
  const dockerignore = join(dirname(dockerfile), '.dockerignore');
  if (await exists(dockerignore)) await copyFile(dockerignore, join(outDir, '.dockerignore'));
  return { outDir, mainFile };
}

function resolvePackageFile(packageName: string, file: string): string | undefined {
  try {
    const require = createRequire(join(REPO_ROOT, 'package.json'));
    return join(dirname(require.resolve(`${packageName}/package.json`)), file);
  } catch {
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

// Run as a script: `npx tsx scripts/bundle.ts`.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await bundleRuntime();
  console.log(`bundled ${result.mainFile}`);
}
