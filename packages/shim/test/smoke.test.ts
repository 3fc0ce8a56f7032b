import * as net from 'node:net';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';

process.noDeprecation = true;

test('echo smoke', async () => {
  const map = new Map();
  class Echo extends asynchat.async_chat {
    constructor(sock: net.Socket) { super(sock, map); this.set_terminator(Buffer.from('\n')); }
    override collect_incoming_data(d: Buffer) { this._collect_incoming_data(d); }
    override found_terminator() { this.push(Buffer.concat([this._get_data(), Buffer.from('\n')])); }
  }
  class Server extends asyncore.dispatcher {
    constructor() { super(null, map); this.create_socket(); this.set_reuse_addr(); this.bind(['127.0.0.1', 0]); this.listen(5); }
    override handle_accepted(sock: net.Socket) { new Echo(sock); this.close(); }
  }
  const server = new Server();
  const port = (server.socket.getsockname() as [string, number])[1];
  expect(port).toBeGreaterThan(0);
  const client = net.connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  client.on('data', (d) => got.push(d));
  client.write('hello\nworld\n');
  client.on('data', () => { if (Buffer.concat(got).length >= 12) client.end(); });
  await asyncore.loop({ timeout: 0.05, map, count: 200 });
  expect(Buffer.concat(got).toString()).toBe('hello\nworld\n');
  expect(map.size).toBe(0);
});
