/** `asynchat-migrate verify --help`. */
export const VERIFY_HELP = `Usage: asynchat-migrate verify <recordings-dir> (--run "<command>" | --target host:port) [options]

Replays conversations recorded on the shim (ASYNCHAT_RECORD=<dir>, see docs/migration.md) against
the migrated program and compares what it sends back and when it closes.

The command runs in a shell; {port} is replaced by a free port (also set as PORT in its
environment), and the replay starts once the port accepts connections. Recordings from several
listening addresses need one placeholder each: {port:KEY}, KEY being the recorded port or the
listener's class name ({port:7000}, {port:EchoServer}). Connections open in recorded order and
overlap as they did; every recorded chunk is sent as it was received, once every byte the server
sent before it in the recording (in any conversation) has arrived, or --timeout has passed.
Replies may be chunked differently: only the bytes and the closes are compared.

Options:
      --run <command>          start the program under test ({port}, {port:KEY} placeholders)
      --target <[KEY=]host:port>
                               replay against a program already listening (repeatable, one per KEY)
      --baseline <command>     the legacy program: replayed twice first (two separate starts); what
                               differs between its two runs (timestamps, counters, ids) is noise,
                               token by token, and the candidate is compared with its first run
      --ignore <regex>         known noise: matching text is not compared (repeatable; JavaScript syntax)
      --timeout <ms>           wait at most this long for the replies a step waits for (default 2000)
      --start-timeout <ms>     wait at most this long for a started program to listen (default 30000)
      --json                   one JSON document on stdout: summary and every conversation
  -q, --quiet                  only the differing conversations: no summary or progress
  -h, --help                   this text
  -v, --version                the version

Colours on a terminal only; NO_COLOR=1 turns them off, FORCE_COLOR=1 on (FORCE_COLOR=0 off).

Exit codes: 0 every conversation matched, 1 differences, 2 usage or setup error (no recordings,
unreadable files, the program never listened, a recording with no port to go to).
`;
