// Writes V8's code caches of the command line's bundle and of the early DNS queries' (dist/cli.cache beside
// dist/cli.cjs, dist/early.cache beside dist/early.cjs; src/load.ts) after
// a warm-up: V8 compiles most functions only when first called, and a cache made right after compiling holds
// little more than the top level, so a run would still compile the rest. The warm-up runs in this process,
// with the bundles compiled exactly as bin/imap-doctor.cjs compiles them, what most runs do: healthy diagnoses (text and JSON, discovery by SRV and --host) against servers of its own on loopback:
// a DNS server and an IMAP server over TLS that accepts the login and answers the read-only commands, with a
// throw-away certificate made by the `openssl` CLI. Without openssl it diagnoses a closed local port instead.
// Nothing leaves loopback. With --commands, the command line's smaller cache for the runs without an address:
// --help, explain, completion and a usage error. Run by scripts/build.mjs: node scripts/code-cache.mjs dist [--commands]
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import tls from 'node:tls';
import dnsPacket from 'dns-packet';

const dist = path.resolve(process.argv[2]);
/** --commands: the command line's 'command' cache (src/load.ts) instead of the diagnoses' caches. */
const commands = process.argv.includes('--commands');
const { compileBundle, cacheFileOf } = createRequire(import.meta.url)(path.join(dist, 'load.cjs'));
const bundles = (commands ? ['cli.cjs'] : ['cli.cjs', 'early.cjs']).map((f) => compileBundle(path.join(dist, f), null));
const [cli, early] = bundles.map((b) => b.run());
const DOMAIN = 'warm-up.test';
const HOST = `imap.${DOMAIN}`;

/** A throw-away certificate for HOST (openssl), or undefined without openssl. */
function certificate(dir) {
  const [key, crt] = [path.join(dir, 'key.pem'), path.join(dir, 'crt.pem')];
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '30'],
        ...['-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST}`, '-keyout', key, '-out', crt],
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key), crt };
  } catch {
    return undefined;
  }
}

const CAPS = 'IMAP4rev1 SASL-IR ID ENABLE IDLE LITERAL+ NAMESPACE QUOTA AUTH=PLAIN';
/** Untagged lines and the tagged text of each command of a healthy session. */
const REPLIES = {
  CAPABILITY: [[`* CAPABILITY ${CAPS}`], 'OK CAPABILITY completed'],
  AUTHENTICATE: [[], `OK [CAPABILITY ${CAPS}] Logged in`],
  LOGIN: [[], `OK [CAPABILITY ${CAPS}] Logged in`],
  ID: [['* ID ("name" "warm-up")'], 'OK ID completed'],
  NAMESPACE: [['* NAMESPACE (("" "/")) NIL NIL'], 'OK NAMESPACE completed'],
  EXAMINE: [
    [
      '* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)',
      '* OK [PERMANENTFLAGS ()] Read-only mailbox',
      '* 3 EXISTS',
      '* 0 RECENT',
      '* OK [UIDVALIDITY 1700000000] UIDs valid',
      '* OK [UIDNEXT 4] Predicted next UID',
    ],
    'OK [READ-ONLY] Examine completed',
  ],
  STATUS: [['* STATUS INBOX (MESSAGES 3 UIDNEXT 4 UIDVALIDITY 1700000000)'], 'OK STATUS completed'],
  LIST: [['* LIST (\\HasNoChildren) "/" INBOX'], 'OK LIST completed'],
  GETQUOTAROOT: [['* QUOTAROOT INBOX ""', '* QUOTA "" (STORAGE 10 512)'], 'OK GETQUOTAROOT completed'],
  SEARCH: [['* SEARCH 1 2 3'], 'OK SEARCH completed'],
  UID: [['* SEARCH 1 2 3'], 'OK UID SEARCH completed'],
  NOOP: [[], 'OK NOOP completed'],
  ENABLE: [[], 'OK ENABLE completed'],
};

/** One IMAP session of a healthy server, line by line (no literals: the doctor logs in with SASL-IR). */
function imapSession(socket) {
  let buf = '';
  let idling = null;
  socket.write(`* OK [CAPABILITY ${CAPS}] warm-up ready\r\n`);
  socket.on('error', () => undefined);
  socket.on('data', (d) => {
    buf += d.toString('latin1');
    for (let nl = buf.indexOf('\r\n'); nl >= 0; nl = buf.indexOf('\r\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 2);
      if (idling !== null) {
        socket.write(`${idling} OK Idle completed\r\n`);
        idling = null;
        continue;
      }
      const [tag, verb = ''] = line.split(' ');
      const name = verb.toUpperCase();
      if (name === 'IDLE') {
        idling = tag;
        socket.write('+ idling\r\n');
      } else if (name === 'LOGOUT') socket.end(`* BYE warm-up\r\n${tag} OK LOGOUT completed\r\n`);
      else {
        const [untagged, done] = REPLIES[name] ?? [[], 'BAD unknown command'];
        socket.write(`${[...untagged, `${tag} ${done}`].join('\r\n')}\r\n`);
      }
    }
  });
}

/**
 * A DNS server for DOMAIN: SRV _imaps._tcp → HOST:993, A HOST → 127.0.0.1, NXDOMAIN for the rest. Discovery
 * probes no other port, and this process cannot listen on 993: that connect is refused, the --host runs log in.
 */
function dnsServer() {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, from) => {
    let q;
    try {
      q = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = q.questions?.[0];
    const name = question?.name.toLowerCase();
    const answers = [];
    if (question?.type === 'SRV' && name === `_imaps._tcp.${DOMAIN}`)
      answers.push({ type: 'SRV', name, ttl: 60, data: { priority: 0, weight: 0, port: 993, target: HOST } });
    if (question?.type === 'A' && name === HOST) answers.push({ type: 'A', name, ttl: 60, data: '127.0.0.1' });
    const known = name === HOST || name === DOMAIN || name === `_imaps._tcp.${DOMAIN}`;
    const reply = dnsPacket.encode({
      id: q.id,
      type: 'response',
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | (known ? 0 : 3),
      questions: q.questions,
      answers,
    });
    socket.send(reply, from.port, from.address);
  });
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

/** Runs the command line in this process with a terminal-less io; its output only with IMAP_DOCTOR_WARM_UP_DEBUG. */
async function run(argv, env = {}) {
  const stdin = Object.assign(new PassThrough(), { isTTY: false });
  stdin.end();
  const debug = Boolean(process.env.IMAP_DOCTOR_WARM_UP_DEBUG);
  const stderr = Object.assign(new Writable({ write: (c, _e, done) => (debug && process.stderr.write(c), done()) }), {
    isTTY: false,
  });
  const stdout = { write: (s) => (debug && process.stderr.write(s), true), isTTY: false };
  const code = await cli.runCli({ argv, env: { NO_COLOR: '1', ...env }, stdout, stderr, stdin });
  if (debug) process.stderr.write(`warm-up: ${argv.join(' ')} → exit ${code}\n`);
  return code;
}

async function healthy(dir, cert) {
  const imap = tls.createServer({ key: cert.key, cert: readFileSync(cert.crt) }, imapSession);
  await new Promise((resolve) => imap.listen(0, '127.0.0.1', resolve));
  const dns = await dnsServer();
  const common = ['--ca-file', cert.crt, '--timeout', '2000', '--no-ispdb'];
  const env = { IMAP_DOCTOR_PASSWORD: 'not-a-secret-7d1' };
  try {
    const discovery = [`alice@${DOMAIN}`, '--dns', `127.0.0.1:${dns.address().port}`, ...common];
    const port = String(imap.address().port);
    const host = [
      `alice@${DOMAIN}`,
      '--host',
      HOST,
      '--resolve',
      `${HOST}=127.0.0.1`,
      '--port',
      port,
      '--security',
      'tls',
    ];
    // As the launcher does: the early queries, then the run that takes them over.
    early.earlyPlan([`alice@${DOMAIN}`, '--host', HOST, '--dns', '127.0.0.1'], env, false);
    early.startEarly(discovery, env, false);
    for (const argv of [discovery, [...discovery, '--json']]) await run(argv, env);
    // The --host runs log in: a run that does not is a warm-up that misses the healthy path (a changed check?).
    for (const argv of [
      [...host, ...common],
      [...host, ...common, '--json'],
    ]) {
      const code = await run(argv, env);
      if (code !== 0) console.warn(`note: the code cache's warm-up login ended with exit ${code}, not 0`);
    }
  } finally {
    dns.close();
    imap.close();
  }
}

async function warmUp() {
  if (commands) {
    for (const argv of [['--help'], ['explain', 'TLS_CERT_EXPIRED'], ['completion', 'bash'], ['--timeout', 'abc']])
      await run(argv);
    return;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'imapdoc-warm-up-'));
  try {
    const cert = certificate(dir);
    if (cert) await healthy(dir, cert);
    else {
      // Port 9 (discard) is closed on a normal machine.
      const closed = ['warm-up@example.invalid', '--host', '127.0.0.1', '--port', '9', '--security', 'tls'];
      await run([...closed, '--no-login', '--timeout', '500']);
      await run([...closed, '--no-login', '--timeout', '500', '--json']);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await warmUp();
// Readable by all, writable by the owner only: src/load.ts trusts no other cache.
for (const b of bundles)
  writeFileSync(cacheFileOf(b.file, commands ? 'command' : 'run'), b.script.createCachedData(), { mode: 0o644 });
process.exit(0);
