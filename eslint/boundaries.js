// @ts-check
import path from 'node:path';

/**
 * `local/boundaries`: bans imports by where they lead, not by how the specifier is spelled.
 *
 * ESLint's `no-restricted-imports` matches the specifier text, so a ban on `../session/*` misses
 * `../../session/*` from a nested folder. This rule resolves each relative specifier against the
 * importing file and matches the repository-relative target (gitignore-style globs: `*` within a
 * segment, a pattern also covers everything under a matched folder, `!` re-allows, last match wins).
 * Every zone that contains the file applies, so zones add up instead of replacing each other.
 */

/** @typedef {{ from: string, ban: string[], message: string }} Zone */

/** @param {string} glob */
function globToRegExp(glob) {
  const body = glob
    .split('')
    .map((c) => (c === '*' ? '[^/]*' : /[\\^$.|?+()[\]{}]/.test(c) ? `\\${c}` : c))
    .join('');
  return new RegExp(`^${body}(?:/.*)?$`);
}

/** @param {string} target repository-relative path, '/'-separated @param {string[]} patterns */
export function isBanned(target, patterns) {
  let banned = false;
  for (const pattern of patterns) {
    const allow = pattern.startsWith('!');
    if (globToRegExp(allow ? pattern.slice(1) : pattern).test(target)) banned = !allow;
  }
  return banned;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Folder boundaries checked on resolved import paths, at any depth.' },
    schema: [{ type: 'object', properties: { root: { type: 'string' }, zones: { type: 'array' } }, additionalProperties: false }],
    messages: { banned: "'{{specifier}}' leads to {{target}}: {{message}}" },
  },
  create(context) {
    const { root, zones } = /** @type {{ root: string, zones: Zone[] }} */ (context.options[0]);
    const file = path.relative(root, context.filename).split(path.sep).join('/');
    const applying = zones.filter((zone) => file === zone.from || file.startsWith(`${zone.from}/`));
    if (applying.length === 0) return {};

    /** @param {import('estree').Node | null | undefined} source */
    function check(source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const specifier = source.value;
      if (!specifier.startsWith('.')) return;
      const target = path.relative(root, path.resolve(path.dirname(context.filename), specifier)).split(path.sep).join('/');
      for (const zone of applying) {
        if (isBanned(target, zone.ban)) {
          context.report({ node: source, messageId: 'banned', data: { specifier, target, message: zone.message } });
          return;
        }
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};

export default { rules: { boundaries: rule } };
