/**
 * The contract between the analysis engine (shared by `check` and `rewrite`) and its users.
 * `analyse/` answers questions about a codebase; it never edits.
 */
import type { ClassDeclaration, ClassExpression, Node, Project, SourceFile } from 'ts-morph';
import type { PrefilterResult } from '../discover/prefilter';
import type { TypeFallback } from './type-fallback';

export { SHIM_NAMES, type LegacyBase, type ShimName } from '../shared/shim-names';
import type { LegacyBase, ShimName } from '../shared/shim-names';

/** One import, require or re-export statement that brings in shim names. */
export interface LegacyImport {
  /** ImportDeclaration, ExportDeclaration, or the VariableStatement / expression holding `require()`. */
  node: Node;
  kind: 'named' | 'default' | 'namespace' | 'require' | 'reexport' | 'dynamic-import';
  /** The module specifier as written (`'@asynchat/shim/asynchat'`, `'./legacy'`). */
  specifier: string;
  /** Absolute path of the local module that re-exports the shim, or null when it is the shim itself. */
  viaLocalModule: string | null;
  /** Local binding -> shim name; `'*'` when the binding is the whole module (namespace, default, `require` without destructuring). */
  bindings: { local: string; name: ShimName | '*' }[];
}

/** A class that descends from a shim class, directly or through other classes (any file). */
export interface LegacyClass {
  node: ClassDeclaration | ClassExpression;
  /** The class name, or undefined for an anonymous class expression. */
  name: string | undefined;
  file: string;
  /** The shim class at the root of the chain. */
  base: LegacyBase;
  /** True when the `extends` clause names the shim class itself (possibly through an alias or namespace). */
  direct: boolean;
  /** Class names from this class up to the shim class, e.g. ['EchoHandler', 'Handler', 'async_chat']. */
  chain: string[];
  /** The legacy superclass when it is a project class (null when it is the shim class itself). */
  superClass: LegacyClass | null;
}

/** A reference to a shim name that is not an import or an `extends` clause: `loop()`, `socket_map`, `new simple_producer()`. */
export interface LegacyUse {
  node: Node;
  name: ShimName;
}

/** A `// TODO(asynchat-migrate): <rule-id>: <reason>` comment left by `rewrite`. */
export interface ManualMarker {
  line: number;
  column: number;
  rule: string;
  reason: string;
}

export interface ParseError {
  line: number;
  column: number;
  message: string;
}

export interface FileAnalysis {
  /** Absolute path. */
  path: string;
  sourceFile: SourceFile;
  /** Syntax errors; a file with any is reported and never rewritten. */
  parseErrors: ParseError[];
  imports: LegacyImport[];
  classes: LegacyClass[];
  uses: LegacyUse[];
  markers: ManualMarker[];
  /** A local module whose only job is to re-export shim names. */
  reexportsOnly: boolean;
}

export interface ProjectAnalysis {
  project: Project;
  stats: AnalysisStats;
  /** Keyed by absolute path; only files that can reach the shim (after the text prefilter) or hold markers. */
  files: Map<string, FileAnalysis>;
  /**
   * Which shim name an expression refers to (`Chat`, `asynchat.async_chat`, `shim.default.loop`,
   * a destructured `require`), following aliases and local re-export modules; null when none.
   */
  resolveShimName(expression: Node): ShimName | null;
  /** The LegacyClass for a class node anywhere in the project, if it descends from a shim class. */
  legacyClassOf(node: ClassDeclaration | ClassExpression): LegacyClass | null;
}

export interface AnalyseOptions {
  /** Absolute paths of the files to analyse (already discovered and filtered). */
  files: string[];
  /** A tsconfig.json for type-aware resolution; without it, resolution is by module graph. */
  tsconfig?: string;
  /**
   * With a tsconfig, ask TypeScript's type checker about classes whose base is computed
   * (`extends mixin(async_chat)`); default true. Everything else is resolved by the module graph.
   */
  typeAware?: boolean;
  /**
   * 'memory' (default): the Project lives in an in-memory file system holding the parsed files, so
   * nothing is written by accident (write the edited text yourself, atomically); 'disk': the
   * Project uses the real file system (slower to start; `save()` writes).
   */
  fileSystem?: 'memory' | 'disk';
  /** Reads a file's text; defaults to the disk. Returns null when the file cannot be read. */
  readText?: (path: string) => string | null;
  /**
   * The text prefilter already run over exactly these files (discover's prefilterFiles), to skip a
   * second pass; only valid when run without tsconfig path aliases, or with them resolved.
   */
  prefilter?: PrefilterResult;
  /**
   * Replaces the type checker of type-aware mode (the ESLint plugin passes typescript-eslint's
   * program): given the tsconfig's own fallback (undefined without a tsconfig), returns the one to use.
   */
  typeFallback?: (tsconfigFallback: TypeFallback | undefined) => TypeFallback | undefined;
}

/** How much work the analysis did: the prefilter's effect, for benchmarks and `--verbose`. */
export interface AnalysisStats {
  /** Files given in AnalyseOptions.files. */
  filesListed: number;
  /** Files whose text was read (listed files and the local modules they import). */
  filesRead: number;
  /** Files parsed by ts-morph (those that passed the text prefilter). */
  filesParsed: number;
}
