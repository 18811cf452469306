// Graceful stop for the HTTP server. Node's server.close() stops accepting, but a keep-alive client
// that keeps sending (a browser, a load balancer, a benchmark) keeps its connection served forever,
// so close() never completes and the database would be closed under requests still running.
// While draining, every response says `Connection: close`, idle connections are closed at once, and
// stop() resolves when the last response has been sent (or, past the deadline, cuts what is left).
import http from 'node:http';

export interface DrainableServer {
  server: http.Server;
  /** Stops accepting, finishes what is in flight; true if it all finished before the deadline. */
  stop: (deadlineMs: number) => Promise<boolean>;
  inFlight: () => number;
}

export function drainableServer(handler: http.RequestListener): DrainableServer {
  let draining = false;
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    open.add(res);
    res.once('close', () => open.delete(res));
    if (draining) res.setHeader('Connection', 'close');
    handler(req, res);
  });

  async function stop(deadlineMs: number): Promise<boolean> {
    draining = true;
    for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<boolean>((resolve) => server.close(() => resolve(true)));
    server.closeIdleConnections();
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
    const finished = await Promise.race([closed, late]);
    clearTimeout(timer);
    if (!finished) server.closeAllConnections();
    return finished;
  }

  return { server, stop, inFlight: () => open.size };
}
