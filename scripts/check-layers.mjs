// `npm run check:layers`: fails when a module under src/ imports from a layer above its own (LAYERS.md)
// or when imports form a circle. Reads the TypeScript sources, so it needs no build.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The project's root; a test may point it at a tree of its own.
const root = path.resolve(
  process.argv[2] ?? path.join(path.dirname(new URL(import.meta.url).pathname), '..'),
);
const rel = (file) => path.relative(root, file).split(path.sep).join('/');

function readLayers() {
  const text = readFileSync(path.join(root, 'LAYERS.md'), 'utf8');
  const block = /```layers\n([\s\S]*?)```/.exec(text);
  if (!block) throw new Error('LAYERS.md has no ```layers block');
  return block[1]
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter((entry) => entry);
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [rel(full)] : [];
  });
}

/** Every relative module a file names: import/export … from, import '…', import('…'). */
function importsOf(file) {
  const text = readFileSync(path.join(root, file), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const specs = new Set();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) specs.add(m[1]);
  return [...specs].map((spec) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts'),
  );
}

const layers = readLayers();
function layerOf(file) {
  let best = -1;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    const match = layer.endsWith('/') ? file.startsWith(layer) : file === layer;
    if (match && (best === -1 || layer.length > layers[best].length)) best = i;
  }
  return best;
}

const files = sources(path.join(root, 'src'));
const graph = new Map(files.map((file) => [file, importsOf(file)]));
const problems = [];
for (const [file, targets] of graph) {
  const own = layerOf(file);
  if (own === -1) problems.push(`${file}: in no layer of LAYERS.md`);
  for (const target of targets) {
    if (!graph.has(target)) continue; // a JSON file or a client script: not a module of ours
    const theirs = layerOf(target);
    if (own !== -1 && theirs > own) {
      problems.push(`${file} (${layers[own]}) imports ${target}, from the layer above it: ${layers[theirs]}`);
    }
  }
}

// Circles: a depth-first search that reports each cycle it closes once.
const state = new Map();
const stack = [];
const cycles = new Set();
function visit(file) {
  state.set(file, 'open');
  stack.push(file);
  for (const target of graph.get(file) ?? []) {
    if (!graph.has(target)) continue;
    if (state.get(target) === 'open') {
      const cycle = stack.slice(stack.indexOf(target));
      cycles.add([...cycle, target].join(' → '));
    } else if (!state.has(target)) {
      visit(target);
    }
  }
  stack.pop();
  state.set(file, 'done');
}
for (const file of files) if (!state.has(file)) visit(file);
for (const cycle of cycles) problems.push(`import circle: ${cycle}`);

if (problems.length > 0) {
  process.stderr.write(
    `check:layers: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write(
  `check:layers: ${files.length} modules in ${layers.length} layers, imports run downward, no circles\n`,
);
