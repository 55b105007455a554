import net from 'node:net';

describe('network guard', () => {
  it('when a test connects to a non-loopback address, then it fails loudly at once', () => {
    expect(() => net.connect({ host: '192.0.2.10', port: 443 })).toThrow(/Network guard/);
    expect(() => net.connect(443, 'api.telegram.org')).toThrow(/api\.telegram\.org/);
  });

  it('when a test fetches a public URL, then the request is refused', async () => {
    await expect(fetch('http://example.com/')).rejects.toThrow();
  });

  it('when a test connects to loopback, then the connection goes through', async () => {
    const server = net.createServer((socket) => socket.end('hi'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('data', (data) => resolve(data.toString()));
      socket.on('error', reject);
    });
    server.close();
    expect(reply).toBe('hi');
  });
});
