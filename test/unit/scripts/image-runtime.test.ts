import { describe, expect, it } from 'vitest';
import { imageNodeRuntime, readImageNodeRuntime } from '../../../scripts/image-runtime.js';

const BASE = 'FROM node:22\nENV NODE_OPTIONS="--v8-pool-size=1"\n';

describe('the image runtime command', () => {
  it('is read from runtime/Dockerfile, so the benchmark and the bundle smoke test run the deployed settings', () => {
    expect(readImageNodeRuntime()).toEqual({
      nodeArgs: ['--enable-source-maps', '--heap-growing-percent=100'],
      nodeOptions: '--v8-pool-size=1 --max-semi-space-size=16',
    });
  });

  it("takes the CMD's flags, not the health check's command", () => {
    const dockerfile = `${BASE}HEALTHCHECK --interval=30s \\\n  CMD ["node", "-e", "0"]\nCMD ["node", "--a", "--b=1", "main.mjs"]\n`;
    expect(imageNodeRuntime(dockerfile)).toEqual({ nodeArgs: ['--a', '--b=1'], nodeOptions: '--v8-pool-size=1' });
  });

  it('refuses a Dockerfile that would start another configuration', () => {
    expect(() => imageNodeRuntime('FROM node:22\nCMD ["node", "main.mjs"]\n')).toThrow(/NODE_OPTIONS/);
    expect(() => imageNodeRuntime(BASE)).toThrow(/CMD/);
    expect(() => imageNodeRuntime(`${BASE}CMD node main.mjs\n`)).toThrow(/CMD/);
    expect(() => imageNodeRuntime(`${BASE}CMD ["node", "server.js"]\n`)).toThrow(/CMD/);
  });
});
