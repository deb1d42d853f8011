/**
 * Key of the one generated entry a key secret holds when the stack creates it (AudioHook keys and
 * Data Action keys). The stack (lib/) imports this name so that the runtime recognizes the entry:
 * it is never a valid key, whatever value was generated for it.
 */
export const GENERATED_PLACEHOLDER_KEY = 'replace-me';
