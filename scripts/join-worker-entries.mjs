// Run by `npm run build` and `build:package` after tsc: joins each worker entry (the child process's and
// the worker thread's) with the modules it imports into one `<entry>.joined.js` beside it. Loading 14
// small modules one by one (resolve, read, compile, link) cost a child process 12–15 ms of CPU more than
// one file of the same code, a quarter of what fanout adds to Node's own boot (docs/performance.md).
// The pool uses the joined file when it is there and not older than the entry
// (src/strategies/pool/entry-file.ts).
//
// The entries' graphs are small and plain (tsc's output of our own code: one-line imports of relative
// modules and node: built-ins, exported declarations), so this is a small joiner of our own, not a
// bundler: each module becomes a function scope that returns its exports, in the order Node would
// evaluate them. What it does not understand (export default, export *, exported let, an import cycle,
// import.meta beyond .url) fails the build rather than joining it wrong.
//
//   node scripts/join-worker-entries.mjs [dist/src]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'dist/src');
const ENTRIES = ['strategies/pool/worker/process-entry.js', 'strategies/pool/worker/thread-entry.js'];
/** The name the joined copy of an entry takes: the same as entry-file.ts's. */
const joinedName = (file) => file.replace(/\.js$/, '.joined.js');

const IMPORT = /^import\s+(?:(.+?)\s+from\s+)?(['"])([^'"]+)\2;?\s*$/;
const DYNAMIC_RELATIVE = /\bimport\((['"])(\.\.?\/[^'"]+)\1\)/g;

/** `{ a, b as c, }` → `{ a, b: c }`; `* as ns` → `ns`. */
function bindingsOf(clause, where) {
  if (clause.startsWith('* as ')) return clause.slice(5).trim();
  const named = /^\{(.*)\}$/.exec(clause);
  if (!named) throw new Error(`${where}: cannot join a default import (${clause})`);
  const names = named[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => part.replace(/^(\S+)\s+as\s+(\S+)$/, '$1: $2'));
  return `{ ${names.join(', ')} }`;
}

/** The relative path from the joined file's folder to `file`, as an import specifier. */
function specifierFrom(fromDir, file) {
  const rel = path.relative(fromDir, file).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function joinEntry(entry) {
  const outDir = path.dirname(entry);
  /** Module file → its variable; modules in evaluation order; built-ins → their namespace variable. */
  const names = new Map();
  const parts = [];
  const builtins = new Map();
  const visiting = new Set();

  function builtin(specifier) {
    if (!builtins.has(specifier)) builtins.set(specifier, `__${specifier.replace(/\W/g, '_')}`);
    return builtins.get(specifier);
  }

  function visit(file, isEntry) {
    if (names.has(file)) return names.get(file);
    const where = path.relative(root, file);
    if (visiting.has(file)) throw new Error(`${where}: an import cycle; cannot join it`);
    visiting.add(file);
    const header = [];
    const body = [];
    const exported = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.startsWith('//# sourceMappingURL=')) continue;
      if (line.startsWith('import ') || line.startsWith('import{')) {
        const match = IMPORT.exec(line);
        if (!match) throw new Error(`${where}: cannot read the import \`${line}\``);
        const [, clause, , specifier] = match;
        let source;
        if (specifier.startsWith('.')) source = visit(path.resolve(path.dirname(file), specifier), false);
        else if (specifier.startsWith('node:')) source = builtin(specifier);
        else throw new Error(`${where}: imports the package ${specifier}; only relative and node: modules`);
        if (clause) header.push(`const ${bindingsOf(clause.trim(), where)} = ${source};`);
        continue;
      }
      if (line.startsWith('export ')) {
        const declared = /^export\s+(?:async\s+)?(?:function\s*\*?|class|const)\s+([\w$]+)/.exec(line);
        if (declared) {
          exported.push(declared[1]);
          body.push(line.slice('export '.length));
          continue;
        }
        const list = /^export\s*\{(.*)\};?\s*$/.exec(line);
        if (list) {
          for (const part of list[1].split(',')) {
            const name = part.trim();
            if (name === '') continue;
            const renamed = /^(\S+)\s+as\s+(\S+)$/.exec(name);
            exported.push(renamed ? `${renamed[2]}: ${renamed[1]}` : name);
          }
          continue;
        }
        throw new Error(`${where}: cannot join \`${line}\` (export default, export *, export let)`);
      }
      body.push(line);
    }
    let text = body.join('\n');
    // Paths the module names relative to itself must still lead from the joined file.
    text = text.replace(DYNAMIC_RELATIVE, (_, quote, specifier) => {
      const target = path.resolve(path.dirname(file), specifier);
      return `import(${quote}${specifierFrom(outDir, target)}${quote})`;
    });
    const ownUrl = `new URL(${JSON.stringify(specifierFrom(outDir, file))}, import.meta.url).href`;
    text = text.replaceAll('import.meta.url', ownUrl);
    if (/import\.meta(?!\.url|,)/.test(text.replaceAll(ownUrl, ''))) {
      throw new Error(`${where}: uses import.meta beyond import.meta.url; cannot join it`);
    }
    visiting.delete(file);
    if (isEntry) {
      if (exported.length > 0) throw new Error(`${where}: an entry that exports; nothing would import it`);
      parts.push(`// ---- ${where}\n${header.join('\n')}\n${text}`);
      return undefined;
    }
    const name = `__module${names.size}`;
    names.set(file, name);
    parts.push(
      `// ---- ${where}\nconst ${name} = (() => {\n${header.join('\n')}\n${text}\n` +
        `return Object.freeze({ ${exported.join(', ')} });\n})();`,
    );
    return name;
  }

  visit(entry, true);
  const imports = [...builtins].map(([specifier, name]) => `import * as ${name} from '${specifier}';`);
  const out = joinedName(entry);
  writeFileSync(
    out,
    `// Generated by scripts/join-worker-entries.mjs from ${path.relative(root, entry)} and the ` +
      `${names.size} modules it imports: do not edit.\n${imports.join('\n')}\n${parts.join('\n')}\n`,
  );
  // A syntax error here (a top-level await in a joined module, say) fails the build, not a worker.
  execFileSync(process.execPath, ['--check', out], { stdio: 'inherit' });
  return { out, modules: names.size + 1 };
}

for (const entry of ENTRIES) {
  const { out, modules } = joinEntry(path.join(root, entry));
  console.log(`joined ${modules} modules into ${path.relative(process.cwd(), out)}`);
}
