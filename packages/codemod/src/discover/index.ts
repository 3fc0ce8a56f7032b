/** File discovery shared by `check` and `rewrite`, and the text prefilter in front of the parser. */
export { discoverFiles, findGitRoot, globBase, isGlobPattern, MissingPathError, UnmatchedPatternError, ALWAYS_SKIPPED_DIRECTORIES, type DiscoverOptions, type Discovery, type OutsideLink } from './discover';
export { GitignoreRules } from './gitignore';
export { inShard, stablePathHash } from './shard';
export { prefilterFiles, MARKER_TEXT, type PrefilterOptions, type PrefilterResult } from './prefilter';
export { selectFiles, type SelectionRequest, type Selection } from './select-files';
export { selectFilesInParallel } from './select-files-in-parallel';
