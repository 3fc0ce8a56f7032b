/** The text of `asynchat-migrate rewrite --help`: every option, the outputs and the exit codes. */
export const REWRITE_HELP = `asynchat-migrate rewrite: rewrite @asynchat/shim handlers to @asynchat/streams code.

Usage:
  asynchat-migrate rewrite [paths...] [options]

Paths are files, directories or globs ('src/**/*.ts'; quote them), default: the current
directory; a path or glob that matches no source file is an error (exit 2). Files ending in
.ts .tsx .mts .cts .js .jsx .mjs .cjs are read (not .d.ts); .gitignore files are honoured,
negated (!) lines included. Symbolic links to files outside the paths are never followed (a
warning names them). Only files whose text can reach @asynchat/shim (directly or through
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
  --no-error-on-unmatched-pattern
                     a path or glob matching no source file is a warning, not an error

Safety:
  --allow-dirty      write even when files under the target have uncommitted git changes
  --frame-limit <bytes>
                     the readers' limit in migrated servers and clients (default: none,
                     as in asynchat: frames of any length are read)
                     (tracked files modified, staged or not, and untracked files that are not
                     ignored). Without it, such a target is refused with exit 2 and the files
                     are named, so that the rewrite lands as one reviewable diff. A target
                     outside any git work tree is not guarded (a note says so on stderr).
                     --dry and --check write nothing and are never refused.
  Every rewritten file is parsed again before it is written; a file whose output would not
  parse is reported as an error and left untouched. Writes are atomic (temporary file in the
  same directory, fsync, rename; the file mode is kept). A file that does not parse is reported
  with its error and left untouched, and the run goes on.
  Bytes outside the edits are kept: a UTF-8 byte order mark stays, CRLF files keep CRLF (inserted
  lines too), a file that is not valid UTF-8 is refused with the offending byte named (convert it
  first) rather than written with replacement characters. A file or directory that cannot be
  read is an error of its own (exit 2); the others are still rewritten.
  Temporary files are named .<file>.asynchat-migrate-<pid>-<hex>.tmp. Ctrl-C (SIGINT), SIGTERM
  and SIGHUP remove them before the process ends; those a killed run (SIGKILL) left are removed by
  the next run, and never count as uncommitted changes.

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
  with status manual. Colours only on a terminal; NO_COLOR=1 turns them off, FORCE_COLOR=1 on
  (also into a pipe), FORCE_COLOR=0 off.
  -q, --quiet        only the files in error: no other file lines, summary, progress bar or notes

Exit codes:
  0  done (also after --dry, and --check with nothing to change)
  1  --check: at least one file would change
  2  errors: a file that does not parse, cannot be read or could not be written, a path that
     matches no source file, a refused dirty tree, a usage error

Options:
  -h, --help         this text
  -v, --version      the version
`;
