/** How deep nested `customConfig` objects are turned into template variables. */
const MAX_DEPTH = 4;

/**
 * `open.customConfig` (the integration's free-form JSON) as template variables: every string, number
 * or boolean becomes `customConfig.<path>` (nested keys joined with `.`), e.g. `{{customConfig.queue}}`.
 * Arrays and `null` are left out: a prompt has no sensible way to read them out.
 */
export function customConfigVariables(customConfig: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const variables: Record<string, string> = {};
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'string') variables[path] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') variables[path] = String(value);
    else if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < MAX_DEPTH) {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`, depth + 1);
    }
  };
  for (const [key, value] of Object.entries(customConfig ?? {})) visit(value, `customConfig.${key}`, 1);
  return variables;
}
