import { describe, expect, it } from 'vitest';
import { lineOfJsonError, lineOfJsonPath, lineOfOffset } from '../../../runtime/src/shared/json-lines.js';

const text = `{
  "greeting": "Hi, \\"there\\"",
  "intents": [
    { "name": "billing", "keys": ["1", "b"] },
    {
      "name": "sales",
      "keys": [
        "2"
      ]
    }
  ]
}
`;

describe('json-lines', () => {
  it('finds the line of a nested field, an array element and the root', () => {
    expect(lineOfJsonPath(text, 'greeting')).toBe(2);
    expect(lineOfJsonPath(text, 'intents[0].keys[1]')).toBe(4);
    expect(lineOfJsonPath(text, 'intents[1].name')).toBe(6);
    expect(lineOfJsonPath(text, 'intents[1].keys[0]')).toBe(8);
    expect(lineOfJsonPath(text, '(root)')).toBe(1);
  });

  it('reports a missing field where its nearest existing parent starts', () => {
    expect(lineOfJsonPath(text, 'intents[1].prompt')).toBe(5);
    expect(lineOfJsonPath(text, 'voice.language')).toBe(1);
  });

  it('turns JSON.parse error messages (position or line forms) into a line', () => {
    const broken = '{\n  "a": 1,\n  "b": }\n';
    let message = '';
    try {
      JSON.parse(broken);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(lineOfJsonError(broken, message)).toBe(3);
    expect(lineOfJsonError(broken, 'Unexpected token (line 2 column 3)')).toBe(2);
    expect(lineOfJsonError(broken, 'no location')).toBeUndefined();
    expect(lineOfOffset(broken, 0)).toBe(1);
  });
});
