import { describe, expect, it } from 'vitest';
import { findTemplateProblem, renderPrompt, renderTemplate } from '../../../../runtime/src/bot/flow/template.js';

describe('templates', () => {
  it('fills a placeholder from the variables', () => {
    expect(renderTemplate('Hello {{customerName}}!', { customerName: 'Ann' })).toBe('Hello Ann!');
  });

  it('tolerates blanks inside the braces', () => {
    expect(renderTemplate('{{ name | friend }}', {})).toBe('friend');
  });

  it('uses the fallback for a missing or blank variable', () => {
    expect(renderTemplate('{{a|x}}-{{b|y}}', { b: ' ' })).toBe('x-y');
  });

  it('renders a missing variable without fallback as nothing', () => {
    expect(renderTemplate('[{{missing}}]', {})).toBe('[]');
  });

  it('does not read inherited object properties as variables', () => {
    expect(renderTemplate('{{constructor|none}}', {})).toBe('none');
  });

  it('tidies the gap an empty placeholder leaves in a prompt', () => {
    expect(renderPrompt('Hello {{name}} , welcome  back.', {})).toBe('Hello, welcome back.');
  });

  it('drops braces from values spoken in a prompt', () => {
    expect(renderPrompt('Hi {{name}}.', { name: '{{evil}}' })).toBe('Hi evil.');
  });

  it.each(['Hi {{name', 'Hi name}}', 'Hi {{ }}', 'Hi {{1abc}}', 'Hi {{a|{b}}}'])('reports %j as malformed', (template) => {
    expect(findTemplateProblem(template)).toBeDefined();
  });

  it.each(['plain text', 'Hi {{name}}', 'Hi {{name|}}', 'a {single} brace', '{{a.b|c d}}'])('accepts %j', (template) => {
    expect(findTemplateProblem(template)).toBeUndefined();
  });
});
