import { dirname, join } from 'node:path';

/**
 * libphonenumber-js tests a number against its metadata's patterns with
 * `helpers/matchesEntirely`, which compiles `new RegExp('^(?:' + pattern + ')$')` on every call;
 * a `+1` number is tried against every NANP country's patterns, so most of a parse is spent
 * compiling the same few hundred regular expressions again. This replaces that helper (its
 * callers read it from the module's exports at each call) with one that compiles each pattern
 * once. Same expressions, same answers; only the compilation is cached (the metadata holds a
 * bounded set of patterns). If the library's layout changes, nothing is replaced (it stays
 * correct, only slower): `installed` tells.
 */
interface MatchesEntirelyModule {
  default: (text: string | undefined, pattern: string) => boolean;
}

function install(): boolean {
  try {
    // The package's `exports` do not list its build files; an absolute path is not subject to them.
    const root = dirname(require.resolve('libphonenumber-js'));
    // A computed path (not an import): Jest's `require` too, so the specs exercise the same module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const helper = require(join(root, 'build/helpers/matchesEntirely.js')) as MatchesEntirelyModule;
    if (typeof helper.default !== 'function' || helper.default.length !== 2) return false;
    const compiled = new Map<string, RegExp>();
    helper.default = (text, pattern) => {
      let expression = compiled.get(pattern);
      if (!expression) {
        expression = new RegExp('^(?:' + pattern + ')$');
        compiled.set(pattern, expression);
      }
      return expression.test(text || '');
    };
    return true;
  } catch {
    return false;
  }
}

export const phonePatternsCached: boolean = install();
