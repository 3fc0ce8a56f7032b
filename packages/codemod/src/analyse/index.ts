/** The analysis engine shared by `check` and `rewrite`: it answers questions, it never edits. */
export { analyseProject, wrapCompilerNode } from './analyse-project';
export { findManualMarkers } from './markers';
export { ModuleResolver } from './module-resolver';
export { SHIM_SPECIFIERS, LEGACY_BASES, isShimSpecifier, isShimName, isLegacyBase } from './shim-modules';
export { SOURCE_EXTENSIONS, isSourceFile } from './source-extensions';
export { TsconfigError } from './tsconfig-options';
export * from './types';
