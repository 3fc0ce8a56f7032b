#!/usr/bin/env node
// `pnpm release:pack [--out <dir>]`: builds the three packages and packs each with `pnpm pack`
// into <dir> (default: release/), then checks every tarball as a registry user would receive it.
//
// `pnpm pack`, not `npm pack`: it rewrites the `workspace:*` dependencies to the packages' real
// versions (npm leaves them, and `npm install` then fails with EUNSUPPORTEDPROTOCOL).
//
// The build is incremental (`tsc -b`), not clean: tests of other packages may be reading dist/ at
// the same time. Outputs whose source file is gone are removed instead, so that nothing stale is
// shipped.
//
// Checks (any failure: exit 1): no `workspace:` version left; no .tsbuildinfo; every source map's
// sources are in the tarball; LICENSE and README.md present; main, types, bin, exports and
// typesVersions targets present; bin paths in the form npm's publish keeps (no `./` prefix: npm
// "auto-corrects" such a package.json and drops the bin).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Dependency order: a package's workspace dependencies are packed before it. */
const PACKAGES = ['streams', 'shim', 'codemod', 'eslint-plugin'];
const SOURCE_EXTENSIONS = ['.ts', '.mts', '.cts', '.tsx'];

function parseArguments(argv) {
  let out = path.join(root, 'release');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out' && argv[i + 1] !== undefined) out = path.resolve(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      process.stdout.write('Usage: node scripts/release/pack.mjs [--out <dir>]   (default: release/)\n');
      process.exit(0);
    } else {
      process.stderr.write(`pack: unknown argument '${argv[i]}'\n`);
      process.exit(2);
    }
  }
  return { out };
}

/** pnpm itself when this runs under `pnpm release:pack`; otherwise the pinned version through npx. */
function pnpmCommand() {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(path.basename(execPath))) return [process.execPath, [execPath]];
  const { packageManager } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  return [process.platform === 'win32' ? 'npx.cmd' : 'npx', ['--yes', packageManager]];
}

function walk(directory) {
  const files = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...walk(full));
    else files.push(full);
  }
  return files;
}

/** Removes dist files whose source no longer exists (tsc -b never deletes outputs). */
function pruneStaleOutputs(packageDir) {
  const dist = path.join(packageDir, 'dist');
  const removed = [];
  for (const file of walk(dist)) {
    const relative = path.relative(dist, file);
    const match = /^(.*?)(\.d\.ts\.map|\.js\.map|\.d\.ts|\.js)$/.exec(relative);
    if (match === null) continue; // .tsbuildinfo, and anything not emitted from a source
    const base = path.join(packageDir, 'src', match[1]);
    if (SOURCE_EXTENSIONS.some((extension) => fs.existsSync(base + extension))) continue;
    fs.rmSync(file);
    removed.push(path.relative(root, file));
  }
  return removed;
}

function tarballName(manifest) {
  return `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`;
}

/** Every path a package.json field points at (main, types, bin, exports, typesVersions). */
function manifestTargets(manifest) {
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect([manifest.main, manifest.types, manifest.bin, manifest.exports, manifest.typesVersions]);
  return targets.filter((target) => target !== undefined && !target.includes('*'));
}

/** What is wrong with one unpacked tarball (`dir` holds its `package/`). */
function problemsOf(dir) {
  const packageDir = path.join(dir, 'package');
  const files = new Set(walk(packageDir).map((file) => path.relative(packageDir, file).split(path.sep).join('/')));
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, version] of Object.entries(manifest[field] ?? {})) {
      if (String(version).startsWith('workspace:')) problems.push(`${field}.${name} is still ${version}`);
    }
  }
  for (const required of ['LICENSE', 'README.md', 'package.json']) if (!files.has(required)) problems.push(`${required} is missing`);
  for (const file of files) {
    if (file.endsWith('.tsbuildinfo')) problems.push(`${file} is shipped`);
    if (file.endsWith('.map')) {
      const map = JSON.parse(fs.readFileSync(path.join(packageDir, file), 'utf8'));
      for (const source of map.sources ?? []) {
        const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(file), map.sourceRoot ?? '', source));
        if (!files.has(resolved)) problems.push(`${file} maps to ${resolved}, which is not shipped`);
      }
    }
  }
  for (const target of manifestTargets(manifest)) {
    if (!files.has(path.posix.normalize(target))) problems.push(`package.json points at ${target}, which is not shipped`);
  }
  const bins = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {});
  for (const [name, target] of Object.entries(bins)) {
    if (target !== path.posix.normalize(target) || target.startsWith('./')) {
      problems.push(`bin ${name}: '${target}' is not in normal form ('${path.posix.normalize(target)}'): npm's publish drops it`);
    }
  }
  return problems;
}

function main() {
  const { out } = parseArguments(process.argv.slice(2));
  fs.mkdirSync(out, { recursive: true });
  process.stderr.write('pack: building\n');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', ...PACKAGES.map((name) => `packages/${name}`)], {
    cwd: root,
    stdio: 'inherit',
  });
  const [pnpm, pnpmArgs] = pnpmCommand();
  const tarballs = [];
  let failed = false;
  for (const name of PACKAGES) {
    const packageDir = path.join(root, 'packages', name);
    for (const file of pruneStaleOutputs(packageDir)) process.stderr.write(`pack: removed stale output ${file}\n`);
    const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
    const tarball = path.join(out, tarballName(manifest));
    fs.rmSync(tarball, { force: true });
    execFileSync(pnpm, [...pnpmArgs, 'pack', '--pack-destination', out], { cwd: packageDir, stdio: ['ignore', 'ignore', 'inherit'] });
    if (!fs.existsSync(tarball)) throw new Error(`pnpm pack did not write ${tarball}`);
    const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-pack-check-'));
    try {
      execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
      const problems = problemsOf(unpacked);
      for (const problem of problems) process.stderr.write(`pack: ${path.basename(tarball)}: ${problem}\n`);
      failed ||= problems.length > 0;
    } finally {
      fs.rmSync(unpacked, { recursive: true, force: true });
    }
    tarballs.push(tarball);
  }
  // stdout: the tarballs, one a line (for `npm install $(pnpm -s release:pack)` and for tests).
  process.stdout.write(`${tarballs.join('\n')}\n`);
  if (failed) {
    process.stderr.write('pack: the tarballs above have problems\n');
    process.exit(1);
  }
}

main();
