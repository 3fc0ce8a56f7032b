/** Names from `@asynchat/streams` a piece of emitted code needs (the imports step adds them). */
export type StreamsName = 'startServer' | 'openConnection' | 'ConnectionResetError' | 'StreamReader' | 'StreamWriter' | 'Server' | 'Terminator';
