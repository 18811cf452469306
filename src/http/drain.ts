// Graceful stop for the HTTP server. Node's server.close() stops accepting, but a keep-alive client
// that keeps sending (a browser, a load balancer, a benchmark) keeps its connection served forever,
// so close() never completes and the database would be closed under requests still running.
// While draining, every response says `Connection: close` and idle connections are closed at once;
// stop() resolves when every connection is closed and every request's handler has ended its
// response — also one whose client went away mid-request, which is still running — or, past the
// deadline, cuts what is left.
import http from 'node:http';

export interface DrainableServer {
  server: http.Server;
  /** Stops accepting, finishes what is in flight; true if it all finished before the deadline. */
  stop: (deadlineMs: number) => Promise<boolean>;
  /** Requests whose handler has not ended its response yet. */
  inFlight: () => number;
}

export function drainableServer(handler: http.RequestListener): DrainableServer {
  let draining = false;
  const running = new Set<http.ServerResponse>();
  let settled: (() => void) | null = null;
  const server = http.createServer((req, res) => {
    running.add(res);
    // The handler's end of the response, not the socket's close: a client that gives up does not
    // stop the handler, which may still be reading the database.
    const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
    res.end = ((...args: unknown[]) => {
      running.delete(res);
      if (draining && running.size === 0) settled?.();
      return end(...args);
    }) as typeof res.end;
    if (draining) res.setHeader('Connection', 'close');
    handler(req, res);
  });

  async function stop(deadlineMs: number): Promise<boolean> {
    draining = true;
    for (const res of running) if (!res.headersSent) res.setHeader('Connection', 'close');
    let timer: NodeJS.Timeout | undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const handlersDone = new Promise<void>((resolve) => (running.size ? (settled = resolve) : resolve()));
    server.closeIdleConnections();
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
    const finished = await Promise.race([Promise.all([closed, handlersDone]).then(() => true), late]);
    clearTimeout(timer);
    if (!finished) server.closeAllConnections();
    return finished;
  }

  return { server, stop, inFlight: () => running.size };
}
