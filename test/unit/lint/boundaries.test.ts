import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * The repository's own eslint.config.js, with type-aware rules off (the fixture files do not exist
 * on disk, so the TypeScript project cannot hold them; the boundary rules need no types).
 */
const eslint = new ESLint({
  cwd: repoRoot,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});

async function boundaryErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(repoRoot, filePath) });
  return result!.messages.filter((m) => m.ruleId === 'local/boundaries').map((m) => m.message);
}

describe('import boundaries (eslint.config.js, local/boundaries)', { timeout: 60_000 }, () => {
  it('rejects a nested speech file importing session two folders up', async () => {
    const errors = await boundaryErrors(
      'runtime/src/speech/transcribe/boundary-fixture.ts',
      "import { startVoiceCall } from '../../session/voice-call.js';\nexport const x = startVoiceCall;\n",
    );
    expect(errors).toEqual([expect.stringContaining('leads to runtime/src/session/voice-call.js')]);
  });

  it('rejects a deeply nested bot file re-exporting the store, and a dynamic import of the server', async () => {
    const errors = await boundaryErrors(
      'runtime/src/bot/webhook/deeper/boundary-fixture.ts',
      "export * from '../../../store/ports.js';\nexport const s = () => import('../../../server/http-server.js');\n",
    );
    expect(errors).toHaveLength(2);
  });

  it('still allows imports inside the folder and to allowed folders at any depth', async () => {
    const errors = await boundaryErrors(
      'runtime/src/speech/transcribe/boundary-fixture.ts',
      "import { x } from '../ports.js';\nimport { y } from '../../shared/clock.js';\nimport { z } from './sibling.js';\nexport const all = [x, y, z];\n",
    );
    expect(errors).toEqual([]);
  });

  it('re-allows with ! patterns: shared may import only shared, from any depth', async () => {
    const ok = await boundaryErrors('runtime/src/shared/inner/boundary-fixture.ts', "export * from '../clock.js';\n");
    const bad = await boundaryErrors('runtime/src/shared/inner/boundary-fixture.ts', "export * from '../../protocol/messages.js';\n");
    expect(ok).toEqual([]);
    expect(bad).toHaveLength(1);
  });

  it('lets audio/ and config/ take the wire limits from protocol/constants.ts and nothing else of protocol/', async () => {
    const file = 'runtime/src/audio/boundary-fixture.ts';
    expect(await boundaryErrors(file, "export * from '../protocol/constants.js';\n")).toEqual([]);
    expect(await boundaryErrors(file, "export * from '../protocol/messages.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('runtime/src/config/boundary-fixture.ts', "export * from '../protocol/constants.js';\n")).toEqual([]);
  });

  it('keeps everything outside test/ from importing test/', async () => {
    for (const [file, specifier] of [
      ['runtime/tools/bench/boundary-fixture.ts', '../../../test/support/fake-clock.js'],
      ['scripts/boundary-fixture.ts', '../test/support/fake-clock.js'],
      ['lib/constructs/boundary-fixture.ts', '../../test/support/fake-clock.js'],
      ['runtime/src/session/boundary-fixture.ts', '../../../test/support/fake-clock.js'],
    ] as const) {
      const errors = await boundaryErrors(file, `export * from '${specifier}';\n`);
      expect(errors, file).toEqual([expect.stringContaining('Nothing outside test/ imports test/')]);
    }
  });

  it('keeps scripts/ from importing runtime/tools (tools may use build scripts)', async () => {
    expect(await boundaryErrors('scripts/boundary-fixture.ts', "export * from '../runtime/tools/simulator/wav.js';\n")).toHaveLength(1);
    expect(await boundaryErrors('runtime/tools/bench/boundary-fixture.ts', "export * from '../../../scripts/bundle.js';\n")).toEqual([]);
  });
});
