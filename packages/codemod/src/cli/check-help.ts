/** `asynchat-migrate check --help`. */
export const CHECK_HELP = `Usage: asynchat-migrate check [paths...] [options]

Reports remaining legacy (@asynchat/shim) usage: a CI gate that fails on new legacy code.
Paths are files, directories or globs ('src/**/*.ts'; quote them), default: the current directory.
A path or glob that matches no source file is an error (exit 2). Files: .ts .tsx .mts .cts .js
.jsx .mjs .cjs (node_modules and dist skipped; .gitignore files honoured, nested ones and negations
included). Symbolic links to files outside the paths are not followed (a warning names them);
a file or directory that cannot be read is named on stderr and makes the exit code 2.

Rules (docs/rules.md):
  legacy-import     an import, require or re-export of @asynchat/shim names (also through a local module)
  legacy-subclass   a class descending from async_chat, dispatcher or dispatcher_with_send (any file)
  legacy-loop       a call of loop() or close_all(), or a use of socket_map
  legacy-api        the shim's channel API (set_terminator, push, ac_in_buffer, ...) used on a value
                    whose class descends from a shim class in another file (no shim import needed)
  manual-marker     a // TODO(asynchat-migrate): marker left by rewrite
  parse-error       a file that can reach the shim does not parse (the others are still checked)

Options:
  -f, --format <text|json|sarif|github>  output format (default: text)
      --json                   the same as --format json
  -o, --output <file>          write the report to a file instead of stdout
      --baseline <file>        ratchet: fail only where a (file, rule) count rises above the
                               baseline, or a new file appears
      --update-baseline        write the current counts to the baseline (prunes fixed entries), exit 0
      --strict-baseline        also fail when a count fell (the baseline must be tightened)
      --stdin                  read the paths to check from stdin, one per line (git diff --name-only);
                               paths that do not exist are skipped
      --shard <i/n>            check shard i of n (1-based; by a stable hash of the path relative to the
                               repository root, so every file is in exactly one shard)
      --ignore <pattern>       skip files matching a .gitignore-style pattern (repeatable)
      --no-gitignore           do not read .gitignore files
      --no-error-on-unmatched-pattern
                               a path or glob matching no source file is a warning, not an error
  -q, --quiet                  only the findings: no totals, notes or warnings (errors still shown)
      --tsconfig <file>        tsconfig for module resolution (paths aliases); default: ./tsconfig.json
  -h, --help                   this text
  -v, --version                the version

Colours on a terminal only; NO_COLOR=1 turns them off, FORCE_COLOR=1 on (FORCE_COLOR=0 off).

Exit codes: 0 no findings (or all within the baseline), 1 findings, 2 usage error, a path that
matches nothing or cannot be read, or an internal error.
`;
