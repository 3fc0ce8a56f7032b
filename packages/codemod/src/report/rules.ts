/** The rule ids `check` reports: stable, documented in docs/rules.md, shared with SARIF and the baseline. */
export const CHECK_RULE_IDS = ['legacy-import', 'legacy-subclass', 'legacy-loop', 'manual-marker', 'parse-error', 'legacy-api'] as const;
export type CheckRuleId = (typeof CHECK_RULE_IDS)[number];

export interface RuleDescription {
  id: CheckRuleId;
  /** One line, shown in SARIF viewers and `--help`. */
  summary: string;
  /** What to do about a finding. */
  help: string;
}

export const RULES: Record<CheckRuleId, RuleDescription> = {
  'legacy-import': {
    id: 'legacy-import',
    summary: 'An import, require or re-export brings in names of @asynchat/shim, directly or through a local module.',
    help: 'Run `asynchat-migrate rewrite <file>` on the importing file; once nothing imports a local re-export module, delete it.',
  },
  'legacy-subclass': {
    id: 'legacy-subclass',
    summary: 'A class descends from async_chat, dispatcher or dispatcher_with_send (directly, through an alias, or through another class).',
    help: 'Run `asynchat-migrate rewrite <file>` to turn the handler into a reader/writer loop on @asynchat/streams.',
  },
  'legacy-loop': {
    id: 'legacy-loop',
    summary: 'A call of loop() or close_all(), or a use of socket_map: the shim event loop and its global dispatcher table.',
    help: 'Run `asynchat-migrate rewrite <file>`: servers move to startServer(); socket_map has no equivalent, keep your own set of connections.',
  },
  'manual-marker': {
    id: 'manual-marker',
    summary: 'A `// TODO(asynchat-migrate): <rule>: <reason>` marker left by rewrite for work it could not prove safe.',
    help: 'Do the migration step the marker names by hand, then delete the marker comment.',
  },
  'parse-error': {
    id: 'parse-error',
    summary: 'A file that can reach the shim does not parse; it was not checked.',
    help: 'Fix the syntax error; the file is checked on the next run.',
  },
  'legacy-api': {
    id: 'legacy-api',
    summary:
      "A method or attribute of the shim's channel / dispatcher API (set_terminator, push_with_producer, close_when_done, ac_in_buffer, ...) used on a value whose class descends from a shim class declared in another file.",
    help: 'Migrate the class and the files that use its channel API together: `asynchat-migrate rewrite <class file> <file>`; where rewrite leaves the call, port it to the StreamWriter / StreamReader the migrated handler uses.',
  },
};
