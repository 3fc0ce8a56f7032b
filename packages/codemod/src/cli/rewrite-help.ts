/** The text of `asynchat-migrate rewrite --help`: every option, the outputs and the exit codes. */
export const REWRITE_HELP = `asynchat-migrate rewrite: rewrite @asynchat/shim handlers to @asynchat/streams code.

Usage:
  asynchat-migrate rewrite [paths...] [options]

Paths are files or directories (default: the current directory). Files ending in
.ts .tsx .mts .cts .js .jsx .mjs .cjs are read (not .d.ts); .gitignore files are honoured,
negated (!) lines included. Only files whose text can reach @asynchat/shim (directly or through
local modules) are parsed; the others are reported unchanged.

Modes (default: write the changes):
  --dry              write nothing; print a unified diff of every change on stdout
                     (apply it later with 'git apply' or 'patch -p1')
  --check            write nothing; exit 1 if any file would change (combine with --dry for the diff)
  --json             print one JSON document on stdout instead of text:
                       { "files": [{ "file", "status", "rules", "message", "markers" }],
                         "totals": { "changed", "unchanged", "manual", "error" } }
                     file is relative to the current directory, with forward slashes;
                     status is changed | unchanged | manual | error

Selection:
  --ignore <glob>    skip matching files (repeatable; globs relative to the current directory)
  --no-gitignore     do not read .gitignore files
  --stdin            read the files to rewrite from standard input, one path a line
                     (e.g. git diff --name-only main | asynchat-migrate rewrite --stdin)
  --shard <i/n>      rewrite only the i-th of n deterministic parts of the selected files
                     (1-based, by a stable hash of the path from the repository root; for CI
                     matrices). A shard also analyses the files its files are joined to by
                     imports, so classes extending classes in other shards resolve the same way.
  --tsconfig <file>  resolve modules (paths aliases) with this tsconfig.json (default:
                     tsconfig.json in the current directory, else at the repository root)

Safety:
  --allow-dirty      write even when files under the target have uncommitted git changes
                     (tracked files modified, staged or not, and untracked files that are not
                     ignored). Without it, such a target is refused with exit 2 and the files
                     are named, so that the rewrite lands as one reviewable diff. A target
                     outside any git work tree is not guarded (a note says so on stderr).
                     --dry and --check write nothing and are never refused.
  Every rewritten file is parsed again before it is written; a file whose output would not
  parse is reported as an error and left untouched. Writes are atomic (temporary file in the
  same directory, fsync, rename; the file mode is kept). A file that does not parse is reported
  with its error and left untouched, and the run goes on.

Performance:
  --jobs <n>         worker threads (default: the number of cores). Files joined by imports
                     (a subclass and its base class, a module re-exporting the shim) always go
                     to the same worker, so the output is the same for every n. Without --jobs,
                     runs with fewer than 1,500 files to parse stay on one thread, where starting
                     workers costs more than it saves. --jobs 1 never starts workers.

Output:
  A progress bar on stderr when stderr is a terminal and the run takes more than half a second.
  A closing summary with counts by status and the elapsed time: on stdout, or on stderr with
  --json and --dry (so that stdout stays a JSON document or a patch). Files that need manual work
  carry one marker comment each, '// TODO(asynchat-migrate): <rule-id>: <reason>', and are listed
  with status manual. Colours only on a terminal, and never when NO_COLOR is set.

Exit codes:
  0  done (also after --dry, and --check with nothing to change)
  1  --check: at least one file would change
  2  errors: a file that does not parse or could not be written, a refused dirty tree,
     a usage error

Options:
  -h, --help         this text
`;
