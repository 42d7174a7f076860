/**
 * The one module that touches imapflow. Everything else sees typed functions: the client of one
 * login (`imapClient`, options typed by imapflow's own ImapFlowOptions), the mechanism a login
 * used, the command internals the sync channel needs, imapflow's response compiler, and the
 * transport that hands imapflow the connection the pre-auth probe already opened (`keptTransport`).
 * Every read of a member imapflow does not declare in its .d.ts lives here, listed in
 * `IMAPFLOW_PRIVATE`, and test/unit/imapflow-adapter.test.ts fails when an upgrade renames or drops one.
 */
import tls, { type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { Duplex } from 'node:stream';
import type { ImapFlow, ImapFlowOptions, ImapTransport, ImapTransportSocket, Logger } from 'imapflow';
import { LIMITS } from '../limits.js';
import type { Secret } from '../util/secret.js';
import type { TrustStore } from './trust.js';
import type { KeptConnection } from './kept.js';

export type { ImapFlow } from 'imapflow';

/** Members of an ImapFlow client that imapflow's .d.ts does not declare, and the compiler module: what this file reads. */
export const IMAPFLOW_PRIVATE = {
  /** Map of AUTH=… capability → used in this session (set true by the mechanism that logged in). */
  instance: ['authCapabilities'] as const,
  /** exec(command, attributes, {untagged, onPlusTag}), write(raw line); close() is public. */
  prototype: ['exec', 'write'] as const,
  compiler: 'imapflow/lib/handler/imap-compiler.js',
};

export interface ClientParams {
  /** The name the certificate must carry (and SNI, for a name). */
  host: string;
  /** The address dialled (a fresh connection) or the probed one (a kept connection). */
  address: string;
  port: number;
  security: 'tls' | 'starttls';
  user: string;
  password?: Secret;
  oauthToken?: Secret;
  trust: TrustStore;
  timeoutMs: number;
  clientVersion: string;
  logger: Logger;
  /** The probed connection to log in over, instead of a new one. */
  kept?: KeptHandoff;
}

/** imapflow's options for one attempt: verified TLS to the address, our limits and logger, no auto-anything. */
export function clientOptions(p: ClientParams): ImapFlowOptions {
  const servername = isIP(p.host) === 0 ? p.host : undefined;
  const auth: NonNullable<ImapFlowOptions['auth']> = { user: p.user };
  if (p.oauthToken) auth.accessToken = p.oauthToken.reveal();
  else if (p.password) auth.pass = p.password.reveal();
  return {
    host: p.address,
    port: p.port,
    // A kept connection is TLS already (implicit, or after the probe's STARTTLS): imapflow must not start it again.
    secure: p.kept ? true : p.security === 'tls',
    doSTARTTLS: p.kept ? false : p.security === 'starttls',
    ...(servername ? { servername } : {}),
    auth,
    logger: p.logger,
    // RFC 2971 ID: say who we are; an empty value drops imapflow's own support-url.
    clientInfo: { name: 'imap-doctor', version: p.clientVersion, vendor: 'imap-doctor', 'support-url': '' },
    connectionTimeout: p.timeoutMs,
    greetingTimeout: p.timeoutMs,
    socketTimeout: p.timeoutMs,
    // imapflow's defaults allow 1 GiB lines and literals; a login and EXAMINE need a few kilobytes.
    maxLineLength: LIMITS.loginLineBytes,
    maxLiteralSize: LIMITS.loginLiteralBytes,
    maxResponseSize: LIMITS.loginResponseBytes,
    disableCompression: true,
    disableAutoEnable: true,
    disableAutoIdle: true,
    tls: {
      secureContext: p.trust.context('modern'),
      rejectUnauthorized: true,
      checkServerIdentity: (_h: string, cert: tls.PeerCertificate) => tls.checkServerIdentity(p.host, cert),
    },
    ...(p.kept ? { transport: p.kept.transport } : {}),
  };
}

/** The imapflow client of one attempt. Loaded on first use: imapflow costs ~110 ms of start-up that runs without a login never need. */
export async function imapClient(p: ClientParams): Promise<ImapFlow> {
  const { ImapFlow } = await import('imapflow');
  return new ImapFlow(clientOptions(p));
}

/** The capability names the client holds now, upper-cased (imapflow declares `capabilities`). */
export function capabilitiesOf(client: ImapFlow): Set<string> {
  return new Set([...client.capabilities.keys()].map((c) => c.toUpperCase()));
}

/** The SASL mechanism (AUTH=…) imapflow marked as the one that logged in, or undefined (LOGIN command, or none). */
export function mechanismUsed(client: ImapFlow): string | undefined {
  const m = (client as unknown as { authCapabilities?: unknown }).authCapabilities;
  if (!(m instanceof Map)) return undefined;
  for (const [k, v] of m as Map<unknown, unknown>) if (v === true && typeof k === 'string') return k;
  return undefined;
}

/** What the sync channel uses of a client beyond its .d.ts, checked to exist. */
export interface ImapFlowInternals {
  exec(
    command: string,
    attributes: unknown[] | false,
    options: Record<string, unknown>,
  ): Promise<{ response: Parsed; next: () => void }>;
  write(chunk: string): void;
  close(): void;
}

export type Parsed = { tag?: string; command?: string; attributes?: unknown };
export type Compile = (response: Parsed) => Buffer;

/** The internals, checked to exist (an imapflow upgrade that drops them fails here, and in the adapter's test, not silently). */
export function internalsOf(client: ImapFlow): ImapFlowInternals {
  const c = client as unknown as Partial<ImapFlowInternals>;
  if (typeof c.exec !== 'function' || typeof c.write !== 'function' || typeof c.close !== 'function') {
    throw new Error('imapflow no longer has exec()/write(): the sync probe needs an update');
  }
  return { exec: c.exec.bind(client), write: c.write.bind(client), close: c.close.bind(client) };
}

/** imapflow's compiler: turns a parsed response back into the line the server sent. */
export async function loadCompiler(): Promise<Compile> {
  const mod = await import('imapflow/lib/handler/imap-compiler.js');
  const compile: unknown = mod.default;
  if (typeof compile !== 'function')
    throw new Error('imapflow no longer has its response compiler: the sync probe needs an update');
  return (r) => mod.default(r as Parameters<typeof mod.default>[0]);
}

/**
 * The probe's open, verified TLS connection handed to imapflow through its `transport` option,
 * instead of a new connection. imapflow gets a stream in front of the socket whose first bytes
 * are the greeting the probe already read, carrying the capabilities the server announced on this
 * connection (after STARTTLS: the ones after TLS), so it neither waits for a greeting nor asks
 * CAPABILITY again, and never starts TLS (the connection is TLS already). Once logged in,
 * `takeBack()` returns the socket for the pipelined read-only commands (sync/wire-channel.ts):
 * imapflow's stream is cut off from it, and closing imapflow then leaves the socket alone.
 */
export class KeptHandoff {
  private attached = false;
  private facade: Duplex | null = null;
  private readonly forward = {
    data: (d: Buffer) => {
      if (this.facade && !this.facade.push(d)) this.kept.socket.pause();
    },
    end: () => this.facade?.push(null),
    close: () => this.facade?.destroy(),
    error: (e: Error) => this.facade?.destroy(e),
    timeout: () => this.facade?.emit('timeout'),
  };

  constructor(private readonly kept: KeptConnection) {}

  readonly transport: ImapTransport = {
    connect: (_options, onConnect) => {
      const facade = this.open();
      setImmediate(onConnect);
      return facade;
    },
  };

  private open(): ImapTransportSocket {
    const socket = this.kept.socket;
    const facade = new Duplex({
      read: () => {
        if (this.attached) socket.resume();
      },
      write: (chunk: Buffer, _enc, cb) =>
        this.attached ? socket.write(chunk, cb) : cb(new Error('the connection was taken back from imapflow')),
      final: (cb) => {
        if (this.attached) socket.end();
        cb();
      },
      destroy: (err, cb) => {
        if (this.attached) socket.destroy();
        this.detach();
        cb(err);
      },
    });
    this.facade = facade;
    this.attached = true;
    for (const [ev, fn] of Object.entries(this.forward)) socket.on(ev, fn);
    facade.push(Buffer.from(`${this.kept.replay}\r\n`));
    socket.resume();
    return Object.assign(facade, {
      setTimeout: (ms: number) => (this.attached ? socket.setTimeout(ms) : undefined),
      setKeepAlive: (on?: boolean, ms?: number) => socket.setKeepAlive(on, ms),
      getCipher: () => socket.getCipher(),
      authorized: socket.authorized,
      remoteAddress: socket.remoteAddress,
      remotePort: socket.remotePort,
    });
  }

  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    const socket = this.kept.socket;
    for (const [ev, fn] of Object.entries(this.forward)) socket.off(ev, fn);
    socket.pause();
    socket.setTimeout(0);
  }

  /** After the login: the socket, no longer read by imapflow (paused, no reader), or undefined when it is gone. */
  takeBack(): TLSSocket | undefined {
    if (!this.attached) return undefined;
    this.detach();
    const socket = this.kept.socket;
    return socket.destroyed ? undefined : socket;
  }
}
