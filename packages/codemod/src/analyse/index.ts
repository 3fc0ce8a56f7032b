/** The analysis engine shared by `check` and `rewrite`: it answers questions, it never edits. */
export { analyseProject, wrapRawAnalysis, toMorphNode } from './analyse-project';
export { analyseRaw, scriptKindOf, type RawProjectAnalysis, type RawFileAnalysis, type LegacyImportRecord, type LegacyUseRecord } from './raw-analysis';
export type { LegacyClassRecord } from './shim-resolver';
export { findManualMarkers } from './markers';
export { ModuleResolver } from '../shared/module-resolver';
export { SHIM_SPECIFIERS, LEGACY_BASES, isShimSpecifier, isShimName, isLegacyBase } from '../shared/shim-modules';
export { SOURCE_EXTENSIONS, isSourceFile } from '../shared/source-extensions';
export { TsconfigError } from './tsconfig-options';
export * from './types';
