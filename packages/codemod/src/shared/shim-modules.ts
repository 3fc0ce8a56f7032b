import { SHIM_NAMES, type LegacyBase, type ShimName } from './shim-names';

/** The module specifiers of the shim. Any subpath of '@asynchat/shim' counts, so future subpaths are caught too. */
export const SHIM_SPECIFIERS = ['@asynchat/shim', '@asynchat/shim/asynchat', '@asynchat/shim/asyncore'] as const;

/** The text every file that imports the shim directly must contain: the cheap first prefilter test. */
export const SHIM_PACKAGE_TEXT = '@asynchat/shim';

export const LEGACY_BASES: readonly LegacyBase[] = ['async_chat', 'dispatcher', 'dispatcher_with_send'];

const shimNameSet: ReadonlySet<string> = new Set(SHIM_NAMES);

export function isShimSpecifier(specifier: string): boolean {
  return specifier === SHIM_PACKAGE_TEXT || specifier.startsWith(`${SHIM_PACKAGE_TEXT}/`);
}

export function isShimName(name: string): name is ShimName {
  return shimNameSet.has(name);
}

export function isLegacyBase(name: string): name is LegacyBase {
  return (LEGACY_BASES as readonly string[]).includes(name);
}
