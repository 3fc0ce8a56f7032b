export { FrameBuffer, toSeparatorBytes } from './framing';
export type { FrameMatch, Separator } from './framing';
