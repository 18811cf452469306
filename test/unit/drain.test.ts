import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainableServer } from '../../src/http/drain.js';

// A real HTTP server and real sockets: the stop must wait for handlers, not for sockets.
describe('graceful stop (drainableServer)', () => {
  it('waits for a handler still running after its client went away, then resolves', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const arrived = new Promise<void>((r) => (started = r));
    const { server, stop, inFlight } = drainableServer((_req, res) => {
      started();
      void gate.then(() => res.end('late'));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const req = http.get({ port, host: '127.0.0.1', path: '/' });
    req.on('error', () => undefined);
    await arrived;
    req.destroy(); // the client gives up
    await new Promise((r) => setTimeout(r, 100));
    expect(inFlight()).to.equal(1);

    let stopped: boolean | null = null;
    const stopping = stop(5000).then((ok) => (stopped = ok));
    await new Promise((r) => setTimeout(r, 300));
    expect(stopped).to.equal(null);
    release();
    await stopping;
    expect(stopped).to.equal(true);
    expect(inFlight()).to.equal(0);
  });

  it('tells a keep-alive client to close, answers it, and cuts what runs past the deadline', async () => {
    const { server, stop } = drainableServer((req, res) => {
      if (req.url === '/never') return; // never answers
      setTimeout(() => res.end('ok'), 200);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<{ status: number; connection?: string } | 'cut'>((resolve) => {
        http
          .get({ port, host: '127.0.0.1', path, agent }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
          })
          .on('error', () => resolve('cut'));
      });
    const answered = get('/');
    const never = get('/never');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    const finished = await stop(1000);
    expect(finished).to.equal(false);
    expect(Date.now() - t0).to.be.within(900, 3000);
    expect(await answered).to.deep.equal({ status: 200, connection: 'close' });
    expect(await never).to.equal('cut');
    agent.destroy();
  });
});
