import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleRuntime, ESM_REQUIRE_BANNER, type BundleResult } from '../../scripts/bundle.js';

/**
 * Bundles a small stand-in entry from a temp directory (never the repo's main.ts, which may be
 * mid-edit): it loads `ws`, a CommonJS package, and mentions the GPL synthesizer only lazily,
 * as the runtime does.
 */
describe('bundleRuntime', () => {
  let workDir: string;
  let result: BundleResult;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'voice-bot-bundle-'));
    const entry = join(workDir, 'main.ts');
    writeFileSync(
      entry,
      [
        "import { WebSocketServer } from 'ws';",
        'export async function loadOfflineVoice(): Promise<unknown> {',
        "  return import('@echogarden/espeak-ng-emscripten');",
        '}',
        'console.log(typeof WebSocketServer);',
      ].join('\n'),
    );
    mkdirSync(join(workDir, 'bots'));
    writeFileSync(join(workDir, 'bots', 'default.json'), '{}');
    const outDir = join(workDir, 'out');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'stale.txt'), 'left over from an earlier bundle');
    result = await bundleRuntime({ entry, outDir, botsDir: join(workDir, 'bots') });
  });

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('writes an ESM bundle that runs on Node with CommonJS dependencies', () => {
    // GIVEN the bundle of an entry that uses ws (CommonJS, calls require)
    // WHEN Node runs it with nothing but the bundle
    const stdout = execFileSync(process.execPath, [result.mainFile], { cwd: result.outDir, encoding: 'utf8' });
    // THEN ws loaded through the createRequire banner
    expect(stdout.trim()).toBe('function');
    expect(readFileSync(result.mainFile, 'utf8').startsWith(ESM_REQUIRE_BANNER)).toBe(true);
  });

  it('leaves the GPL offline synthesizer out of the bundle and the image', () => {
    // GIVEN / WHEN the bundle of an entry that imports espeak-ng lazily
    const code = readFileSync(result.mainFile, 'utf8');
    // THEN the import stays a bare specifier and no espeak data file was copied
    expect(code).toMatch(/import\(["']@echogarden\/espeak-ng-emscripten["']\)/);
    expect(readdirSync(result.outDir).some((f) => f.includes('espeak'))).toBe(false);
  });

  it('lays out exactly what the Dockerfile copies, after emptying the directory', () => {
    // GIVEN / WHEN the output directory
    // THEN it holds the bundle, its source map, the VAD binary, the bots and the Docker files only
    expect(readdirSync(result.outDir).sort()).toEqual(['.dockerignore', 'Dockerfile', 'bots', 'fvad.wasm', 'main.mjs', 'main.mjs.map']);
    expect(readdirSync(join(result.outDir, 'bots'))).toEqual(['default.json']);
    expect(JSON.parse(readFileSync(`${result.mainFile}.map`, 'utf8'))).toMatchObject({ version: 3 });
    expect(existsSync(join(result.outDir, 'stale.txt'))).toBe(false);
  });
});

describe('runtime/Dockerfile', () => {
  const dockerfile = readFileSync(new URL('../../runtime/Dockerfile', import.meta.url), 'utf8');
  const instructions = dockerfile
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line))
    .map((line) => line.split(/\s/)[0]);

  it('pins the Node 22 base image by version tag and digest', () => {
    expect(dockerfile).toMatch(/^FROM node:22\.\d+\.\d+-bookworm-slim@sha256:[a-f0-9]{64}$/m);
  });

  it('only copies files: no build or install step runs inside the image', () => {
    expect(instructions).not.toContain('RUN');
    expect(instructions).not.toContain('ADD');
  });

  it('runs as the unprivileged node user with a fetch-based health check', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", "fetch\(/m);
  });
});

describe('the arm64 image build', () => {
  const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

  it('runs nothing at build time, so an x86 machine needs no QEMU (BuildKit emulates only RUN steps)', () => {
    const instructions = read('runtime/Dockerfile')
      .split('\n')
      .filter((line) => /^[A-Z]+\s/.test(line))
      .map((line) => line.split(/\s/)[0]);
    expect(instructions).not.toContain('RUN');
  });

  it('is described the same way in the Dockerfile, docs/deploy.md and the image asset comment', () => {
    for (const path of ['runtime/Dockerfile', 'docs/deploy.md', 'lib/constructs/server-task.ts']) {
      const text = read(path).replace(/\s*(#|\/\/)\s*/g, ' ').replace(/\s+/g, ' ');
      expect(text, path).toMatch(/x86 machine builds (it|the arm64 image) without QEMU/);
      expect(text, path).not.toMatch(/needs (Docker )?buildx with QEMU|Docker with arm64 support/);
    }
  });
});
