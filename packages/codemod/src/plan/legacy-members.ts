/**
 * What an async_chat / dispatcher subclass inherits: the names that mean "legacy machinery" when a
 * class overrides or touches them. The lists live in analyse/shim-members.ts, shared with `check`'s
 * legacy-api rule (analyse must not import from plan); re-exported here for the planner.
 */
export { TRANSLATED_HOOKS, MANUAL_OVERRIDES, LEGACY_INTERNALS, SHIM_CHANNEL_METHODS } from '../analyse/shim-members';
