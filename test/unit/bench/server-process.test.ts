import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { imageNodeOptions } from '../../../runtime/tools/bench/server-process.js';

describe('benchmark server process', () => {
  it('runs with the NODE_OPTIONS the image sets, so the benchmark measures the deployed runtime settings', () => {
    const dockerfile = readFileSync(new URL('../../../runtime/Dockerfile', import.meta.url), 'utf8');
    expect(imageNodeOptions(dockerfile)).toBe('--v8-pool-size=1 --max-semi-space-size=32');
  });

  it('refuses a Dockerfile without NODE_OPTIONS rather than benchmark another configuration', () => {
    expect(() => imageNodeOptions('FROM node:22\nCMD ["node", "main.mjs"]\n')).toThrow(/NODE_OPTIONS/);
  });
});
