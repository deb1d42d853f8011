/**
 * Prompt and output-variable templates: `{{name}}` or `{{name|fallback}}`, filled from the call's
 * input variables and the captured slots. Templates are checked when the definition loads, so a
 * malformed placeholder stops the start instead of being spoken as "curly curly" to a caller.
 */

/** One placeholder: a name, optionally `|` and a fallback (which may be empty). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:\|([^{}]*))?\}\}/g;

/** Explains why `template` is malformed, or returns undefined when every `{{…}}` is a placeholder. */
export function findTemplateProblem(template: string): string | undefined {
  const rest = template.replace(PLACEHOLDER, '');
  if (rest.includes('{{') || rest.includes('}}')) {
    return 'has a malformed placeholder: use {{name}} or {{name|fallback}}';
  }
  return undefined;
}

/**
 * Fills every placeholder. A variable that is missing, empty or only blanks counts as missing
 * (Architect passes unset inputs as empty strings): its fallback is used, or nothing.
 */
export function renderTemplate(
  template: string,
  variables: Readonly<Record<string, string>>,
  cleanValue: (value: string) => string = (value) => value,
): string {
  return template.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value !== undefined && value.trim() !== '') return cleanValue(value);
    return fallback?.trim() ?? '';
  });
}

/**
 * Renders a prompt to speak: as {@link renderTemplate}, but braces are dropped from values (input
 * variables come from outside; a value must never read out as a placeholder), then the gaps an
 * empty placeholder leaves are tidied ("Hello , welcome" → "Hello, welcome").
 */
export function renderPrompt(template: string, variables: Readonly<Record<string, string>>): string {
  return renderTemplate(template, variables, (value) => value.replace(/[{}]/g, ''))
    .replace(/\s{2,}/g, ' ')
    .replace(/\s+([,.!?;:])/g, '$1')
    .trim();
}
