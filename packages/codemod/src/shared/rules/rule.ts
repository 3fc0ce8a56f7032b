/**
 * A rule of the rewrite: its id (in markers, `--json`, SARIF-adjacent reports and docs/rules.md),
 * what it means and what to do. One file per rule holds these, the typescript-eslint way.
 */
export interface RuleDefinition {
  id: string;
  /** 'translation': what the rewrite does by itself; 'marker': what it leaves for a person. */
  kind: 'translation' | 'marker';
  /** One sentence: when the rule applies. */
  summary: string;
  /** What to do about it. */
  help: string;
}
