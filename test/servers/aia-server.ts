/**
 * Tiny HTTP server on 127.0.0.1 (port 0) for AIA caIssuers fetches. Start it before making the certificates
 * (the URL is baked into chainIncomplete), then `serve('/intermediate.der', file)` once the file exists.
 * Files are read at request time; unknown paths get 404; `requests` records every request path.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';

export interface AiaServer {
  port: number;
  /** http://127.0.0.1:<port><path> */
  url(path: string): string;
  serve(path: string, file: string, contentType?: string): void;
  requests: string[];
  close(): Promise<void>;
}

export async function startAiaServer(host = '127.0.0.1'): Promise<AiaServer> {
  const routes = new Map<string, { file: string; type: string }>();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requests.push(path);
    const route = routes.get(path);
    if (!route || req.method !== 'GET') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    readFile(route.file).then(
      (body) => res.writeHead(200, { 'content-type': route.type, 'content-length': body.length }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    url: (p) => `http://${host}:${port}${p}`,
    serve: (p, file, type = 'application/pkix-cert') => void routes.set(p, { file, type }),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
