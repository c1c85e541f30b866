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
// evaluate them. What it does not understand (export default, export *, an exported let or var in any
// form, a destructuring export, an import of a name its module does not export, an import cycle,
// import.meta beyond .url) fails the build rather than joining it wrong. Beside each joined file it
// writes `<entry>.joined.json`, the modules it joined, so entry-file.ts can tell a stale copy.
//
//   node scripts/join-worker-entries.mjs [dist/src]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? 'dist/src');
const ENTRIES = ['strategies/pool/worker/process-entry.js', 'strategies/pool/worker/thread-entry.js'];
// The names of the joined copy and of its list of modules, by the functions the pool looks for them
// with (tsc has just built them).
const { joinedPath: joinedName, modulesPath: modulesName } = await import(
  new URL('../dist/src/strategies/pool/entry-file.js', import.meta.url).href
);

const IMPORT = /^import\s+(?:(.+?)\s+from\s+)?(['"])([^'"]+)\2;?\s*$/;
const DYNAMIC_RELATIVE = /\bimport\((['"])(\.\.?\/[^'"]+)\1\)/g;

/**
 * `{ a, b as c, }` → `{ a, b: c }` and the names it takes, `[a, b]`; `* as ns` → `ns`, and no names
 * (a namespace object's missing property is undefined under Node too).
 */
function bindingsOf(clause, where) {
  if (clause.startsWith('* as ')) return { pattern: clause.slice(5).trim(), imported: [] };
  const named = /^\{(.*)\}$/.exec(clause);
  if (!named) throw new Error(`${where}: cannot join a default import (${clause})`);
  const parts = named[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const imported = parts.map((part) => part.split(/\s+as\s+/)[0]);
  const names = parts.map((part) => part.replace(/^(\S+)\s+as\s+(\S+)$/, '$1: $2'));
  return { pattern: `{ ${names.join(', ')} }`, imported };
}

/**
 * The names a `const`, `let` or `var` statement declares, from `text` just after its keyword up to
 * the statement's `;`: the first name and each after a comma outside brackets, strings, template
 * literals, comments and regular expressions. Null for a destructuring declarator (`{ a } = o`), whose
 * names this joiner does not read.
 */
function declaredNames(text) {
  const names = [];
  let expectName = true;
  let depth = 0;
  /** The depths at which a template literal's `${` opened, innermost last. */
  const templates = [];
  let previous = '';
  const skipString = (i, quote) => {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === quote) return j;
    }
    return text.length;
  };
  /** From just inside a template literal to its end (the index of the closing backtick) or a `${`. */
  const skipTemplate = (i) => {
    for (let j = i; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === '`') return { end: j, open: false };
      else if (text[j] === '$' && text[j + 1] === '{') return { end: j + 1, open: true };
    }
    return { end: text.length, open: false };
  };
  const afterTemplate = (i) => {
    const { end, open } = skipTemplate(i);
    if (open) {
      depth++;
      templates.push(depth);
    }
    return end;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (/\s/.test(char)) continue;
    if (char === '/' && text[i + 1] === '/') {
      i = text.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (char === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i <= 0) break;
      continue;
    }
    if (expectName) {
      const name = /^[\w$]+/.exec(text.slice(i));
      if (!name) return null;
      names.push(name[0]);
      expectName = false;
      i += name[0].length - 1;
      previous = 'a';
      continue;
    }
    if (char === '/' && (previous === '' || /[(,=:[!&|?{};+\-*%<>~^]/.test(previous))) {
      let inClass = false;
      for (i++; i < text.length; i++) {
        if (text[i] === '\\') i++;
        else if (text[i] === '[') inClass = true;
        else if (text[i] === ']') inClass = false;
        else if (text[i] === '/' && !inClass) break;
      }
      previous = 'a';
      continue;
    }
    if (char === "'" || char === '"') i = skipString(i, char);
    else if (char === '`') i = afterTemplate(i + 1);
    else if ('([{'.includes(char)) depth++;
    else if (char === '}' && templates.at(-1) === depth) {
      templates.pop();
      depth--;
      i = afterTemplate(i + 1);
    } else if (')]}'.includes(char)) depth--;
    else if (char === ',' && depth === 0) expectName = true;
    else if (char === ';' && depth === 0) break;
    previous = char === "'" || char === '"' || char === '`' ? 'a' : char;
  }
  return names;
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
  /** Module file → the names it exports, for checking what its importers take. */
  const exportsOf = new Map();
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
    /** The public names of `exported` (`b: a` exports `b`). */
    const publicNames = [];
    /** Names the module's own top-level `let` and `var` declare: exporting one would freeze a copy. */
    const mutable = new Set();
    const lines = readFileSync(file, 'utf8').split('\n');
    const rest = (index, skip) => [lines[index].slice(skip), ...lines.slice(index + 1)].join('\n');
    for (const [index, line] of lines.entries()) {
      if (line.startsWith('//# sourceMappingURL=')) continue;
      const variable = /^(let|var)\s/.exec(line);
      if (variable)
        for (const name of declaredNames(rest(index, variable[0].length)) ?? []) mutable.add(name);
      if (line.startsWith('import ') || line.startsWith('import{')) {
        const match = IMPORT.exec(line);
        if (!match) throw new Error(`${where}: cannot read the import \`${line}\``);
        const [, clause, , specifier] = match;
        let source;
        let target;
        if (specifier.startsWith('.')) {
          target = path.resolve(path.dirname(file), specifier);
          source = visit(target, false);
        } else if (specifier.startsWith('node:')) source = builtin(specifier);
        else throw new Error(`${where}: imports the package ${specifier}; only relative and node: modules`);
        if (clause) {
          const { pattern, imported } = bindingsOf(clause.trim(), where);
          // Node refuses a missing name at link time; the joined copy would give undefined instead.
          const missing = target ? imported.filter((name) => !exportsOf.get(target).includes(name)) : [];
          if (missing.length > 0) {
            throw new Error(`${where}: imports ${missing.join(', ')}, which ${specifier} does not export`);
          }
          header.push(`const ${pattern} = ${source};`);
        }
        continue;
      }
      if (line.startsWith('export ')) {
        if (/^export\s+(?:let|var)\s/.test(line)) {
          throw new Error(
            `${where}: cannot join \`${line}\`: an exported let or var (the copy would not follow it)`,
          );
        }
        const constant = /^export\s+const\s/.exec(line);
        if (constant) {
          // `export const a = 1, b = 2` exports both.
          const declared = declaredNames(rest(index, constant[0].length));
          if (!declared) throw new Error(`${where}: cannot join \`${line}\`: a destructuring export`);
          exported.push(...declared);
          publicNames.push(...declared);
          body.push(line.slice('export '.length));
          continue;
        }
        const declared = /^export\s+(?:async\s+)?(?:function\s*\*?|class)\s+([\w$]+)/.exec(line);
        if (declared) {
          exported.push(declared[1]);
          publicNames.push(declared[1]);
          body.push(line.slice('export '.length));
          continue;
        }
        const list = /^export\s*\{(.*)\};?\s*$/.exec(line);
        if (list) {
          for (const part of list[1].split(',')) {
            const name = part.trim();
            if (name === '') continue;
            const renamed = /^(\S+)\s+as\s+(\S+)$/.exec(name);
            const [local, outside] = renamed ? [renamed[1], renamed[2]] : [name, name];
            exported.push(renamed ? `${outside}: ${local}` : name);
            publicNames.push(outside);
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
    // Checked after the whole module is read: a `let` may come after the list that exports it.
    const frozen = exported.map((entry) => entry.split(': ').at(-1)).filter((local) => mutable.has(local));
    if (frozen.length > 0) {
      throw new Error(`${where}: exports the let or var ${frozen.join(', ')}; the copy would not follow it`);
    }
    visiting.delete(file);
    exportsOf.set(file, publicNames);
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
  // What entry-file.ts compares the copy's date with: a module rewritten after the join makes it stale.
  const modules = [entry, ...names.keys()].map((file) => specifierFrom(outDir, file));
  writeFileSync(modulesName(entry), `${JSON.stringify({ modules }, null, 2)}\n`);
  return { out, modules: names.size + 1 };
}

for (const entry of ENTRIES) {
  try {
    const { out, modules } = joinEntry(path.join(root, entry));
    console.log(`joined ${modules} modules into ${path.relative(process.cwd(), out)}`);
  } catch (error) {
    // One line naming the module and what it cannot join, not a stack through this script.
    console.error(`join-worker-entries: ${error.message}`);
    process.exit(1);
  }
}
