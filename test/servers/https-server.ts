/**
 * An HTTPS (:443) and HTTP (:80) server on one free loopback address 127.77.x.y for discovery tests:
 * routes by scheme, Host header, path and method, serving autoconfig, ISPDB and Autodiscover variants
 * (or hanging, or a huge body); every request is logged. Its certificate is made with openssl and
 * signed by the CA given (the lab's), covering `names`; `untrustedNames` get a self-signed one (SNI).
 * Two test runs (or files) at once each find their own address. Only for tests.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Route {
  /** Only on this scheme; both when omitted. */
  scheme?: 'http' | 'https';
  /** Host header without the port, lower case. */
  host: string;
  /** Path without the query. */
  path: string;
  method?: 'GET' | 'POST';
  status?: number;
  /** The body, or a function of the request (an Autodiscover server echoing the address asked). */
  body?: string | Buffer | ((req: LoggedRequest) => string | Buffer);
  /** Hostile: send the status line, then drip one header byte every `dripMs` and never finish (slowloris). */
  dripMs?: number;
  contentType?: string;
  headers?: Record<string, string>;
  /** Never answer (the connection stays open until the client gives up or the server closes). */
  hang?: boolean;
  /** Answer with a body of this many bytes (an endless settings file). */
  bytes?: number;
  /** Wait this long before answering (a slow source). */
  delayMs?: number;
}

export interface LoggedRequest {
  scheme: 'http' | 'https';
  host: string;
  method: string;
  path: string;
  query: string;
  body: string;
  /** SNI the client sent (https only). */
  servername?: string;
}

export interface HttpsTestServer {
  readonly ip: string;
  /** The routes served; replace freely between requests. */
  routes: Route[];
  readonly requests: LoggedRequest[];
  /** Forget the request log. */
  clearLog(): void;
  close(): Promise<void>;
}

export interface HttpsServerOptions {
  /** The CA that signs the server certificate (PEM files). */
  ca: { crt: string; key: string };
  /** DNS names the certificate covers. */
  names: string[];
  /** Names answered with a self-signed certificate instead (for TLS failures). */
  untrustedNames?: string[];
  /** Listen on this local address instead of a random free 127.77.x.y (e.g. a test namespace's link). */
  ip?: string;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${e.stderr ?? e.message}`);
  }
}

async function makeCert(
  dir: string,
  o: HttpsServerOptions,
  ip: string,
): Promise<{ key: string; cert: string; badKey: string; badCert: string }> {
  const san = [...o.names.map((n) => `DNS:${n}`), `IP:${ip}`].join(',');
  await writeFile(
    path.join(dir, 'ext.cnf'),
    [
      `subjectAltName=${san}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'key.pem'], dir);
  await openssl(['req', '-new', '-key', 'key.pem', '-subj', `/CN=${o.names[0] ?? ip}`, '-out', 'csr.pem'], dir);
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      'csr.pem',
      '-CA',
      o.ca.crt,
      '-CAkey',
      o.ca.key,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '7',
      '-sha256',
      '-extfile',
      'ext.cnf',
      '-out',
      'crt.pem',
    ],
    dir,
  );
  const bad = (o.untrustedNames ?? []).map((n) => `DNS:${n}`).join(',') || 'DNS:untrusted.invalid';
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'bad-key.pem',
      '-out',
      'bad-crt.pem',
      '-subj',
      '/CN=self-signed test',
      '-days',
      '7',
      '-addext',
      `subjectAltName=${bad}`,
    ],
    dir,
  );
  const read = (f: string) => readFile(path.join(dir, f), 'utf8');
  return {
    key: await read('key.pem'),
    cert: await read('crt.pem'),
    badKey: await read('bad-key.pem'),
    badCert: await read('bad-crt.pem'),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen({ port, host, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startHttpsServer(o: HttpsServerOptions): Promise<HttpsTestServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'imapdoc-https-'));
  const sockets = new Set<Socket>();
  const requests: LoggedRequest[] = [];
  const state = { routes: [] as Route[] };

  const handler = (scheme: 'http' | 'https') => (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const servername = scheme === 'https' ? (req.socket as tls.TLSSocket).servername || undefined : undefined;
      const logged: LoggedRequest = {
        scheme,
        host,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search,
        body: Buffer.concat(chunks).toString('utf8'),
        ...(servername ? { servername } : {}),
      };
      requests.push(logged);
      const route = state.routes.find(
        (r) =>
          (r.scheme ?? scheme) === scheme &&
          r.host === host &&
          r.path === url.pathname &&
          (r.method ?? req.method) === req.method,
      );
      if (!route) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return;
      }
      if (route.hang) return;
      if (route.dripMs !== undefined) {
        req.socket.write('HTTP/1.1 200 OK\r\nX-Slow: ');
        const t = setInterval(() => (req.socket.destroyed ? clearInterval(t) : req.socket.write('a')), route.dripMs);
        req.socket.on('close', () => clearInterval(t));
        return;
      }
      if (route.delayMs !== undefined) {
        const t = setTimeout(() => reply(route, logged, res), route.delayMs);
        req.socket.on('close', () => clearTimeout(t));
        return;
      }
      reply(route, logged, res);
    });
  };
  const reply = (route: Route, logged: LoggedRequest, res: http.ServerResponse): void => {
    res.writeHead(route.status ?? 200, {
      'Content-Type': route.contentType ?? 'text/xml; charset=utf-8',
      ...route.headers,
    });
    if (route.bytes !== undefined) {
      const block = Buffer.alloc(64 * 1024, 'x');
      let left = route.bytes;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, block.length);
          left -= n;
          if (!res.write(block.subarray(0, n))) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
      return;
    }
    res.end(typeof route.body === 'function' ? route.body(logged) : (route.body ?? ''));
  };

  for (let attempt = 0; attempt < (o.ip ? 1 : 40); attempt++) {
    const ip = o.ip ?? `127.77.${randomInt(1, 255)}.${randomInt(1, 255)}`;
    const cert = await makeCert(dir, o, ip);
    const good = tls.createSecureContext({ key: cert.key, cert: cert.cert });
    const bad = tls.createSecureContext({ key: cert.badKey, cert: cert.badCert });
    const untrusted = new Set((o.untrustedNames ?? []).map((n) => n.toLowerCase()));
    const secure = https.createServer(
      {
        key: cert.key,
        cert: cert.cert,
        SNICallback: (name, cb) => cb(null, untrusted.has(name.toLowerCase()) ? bad : good),
      },
      handler('https'),
    );
    const plain = http.createServer(handler('http'));
    for (const s of [secure, plain]) {
      s.on('connection', (sock: Socket) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
      });
      s.on('clientError', (_err, sock) => sock.destroy());
    }
    try {
      await listen(secure, 443, ip);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    try {
      await listen(plain, 80, ip);
    } catch (err) {
      await closeServer(secure);
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') continue;
      throw err;
    }
    return {
      ip,
      get routes() {
        return state.routes;
      },
      set routes(r: Route[]) {
        state.routes = r;
      },
      requests,
      clearLog: () => {
        requests.length = 0;
      },
      close: async () => {
        for (const s of sockets) s.destroy();
        await Promise.all([closeServer(secure), closeServer(plain)]);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(
    o.ip ? `https test server: ${o.ip}:443/80 taken` : 'https test server: no free 127.77.x.y address after 40 tries',
  );
}

/** A config-v1.1.xml document: incoming servers as [type, host, port, socketType], one SMTP server. */
export function autoconfigXml(domain: string, incoming: Array<[string, string, number, string]>, extra = ''): string {
  const servers = incoming
    .map(
      ([type, host, port, socket]) =>
        `    <incomingServer type="${type}">\n      <hostname>${host}</hostname>\n      <port>${port}</port>\n      <socketType>${socket}</socketType>\n      <username>%EMAILADDRESS%</username>\n      <authentication>password-cleartext</authentication>\n    </incomingServer>`,
    )
    .join('\n');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${domain}">`,
    `    <domain>${domain}</domain>`,
    `    <displayName>${domain} mail</displayName>`,
    servers,
    `    <outgoingServer type="smtp">\n      <hostname>smtp.${domain}</hostname>\n      <port>587</port>\n      <socketType>STARTTLS</socketType>\n      <username>%EMAILADDRESS%</username>\n      <authentication>password-cleartext</authentication>\n    </outgoingServer>`,
    extra,
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}

/** An Autodiscover POX answer (2006a) with one IMAP entry; LoginName echoes the address asked. */
export function autodiscoverXml(host: string, port: number, ssl: 'on' | 'off', loginName: string): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">',
    '  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">',
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    '      <Protocol>',
    '        <Type>IMAP</Type>',
    `        <Server>${host}</Server>`,
    `        <Port>${port}</Port>`,
    `        <SSL>${ssl}</SSL>`,
    `        <LoginName>${loginName}</LoginName>`,
    '      </Protocol>',
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}
