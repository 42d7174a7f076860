/**
 * One more Dovecot for OAuth tests, beside the lab's four: the lab's common settings and users,
 * the good certificate, and an oauth2 passdb offering OAUTHBEARER and XOAUTH2 whose token check
 * (introspection) and `openid_configuration_url` point where the test says. It listens on
 * 127.b.0.15 of the lab's own address block (held by this run's lock), ports 143 and 993.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LabInfo } from './lab.js';
import { labIp, startDovecot, type DovecotInstance } from './dovecot.js';

export interface OAuthDovecot {
  ip: string;
  instance: DovecotInstance;
  stop(): Promise<void>;
}

export async function startOAuthDovecot(
  lab: LabInfo,
  o: { introspectionUrl: string; openidConfigurationUrl: string },
): Promise<OAuthDovecot> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `imapdoc-oauth-${process.pid}-`));
  await chmod(dir, 0o755);
  const ip = labIp(lab.block, 15);
  const root = path.join(lab.dir, 'dovecot');
  await mkdir(path.join(dir, 'state'), { recursive: true });
  const ext = path.join(dir, 'oauth2.conf.ext');
  await writeFile(
    ext,
    [
      'introspection_mode = post',
      `introspection_url = ${o.introspectionUrl}`,
      `openid_configuration_url = ${o.openidConfigurationUrl}`,
      '',
    ].join('\n'),
  );
  const greeting = 'imap-doctor OAuth lab ready.';
  const conf = path.join(dir, 'oauth.conf');
  await writeFile(
    conf,
    [
      `!include ${path.join(root, 'common.conf')}`,
      `base_dir = ${path.join(dir, 'run')}`,
      `state_dir = ${path.join(dir, 'state')}`,
      `instance_name = imapdoc-oauth-${process.pid}`,
      `log_path = ${path.join(dir, 'oauth.log')}`,
      `login_greeting = ${greeting}`,
      `listen = ${ip}`,
      'auth_mechanisms = plain login oauthbearer xoauth2',
      'ssl = yes',
      'disable_plaintext_auth = no',
      `ssl_cert = <${lab.certs.good.crt}`,
      `ssl_key = <${lab.certs.good.key}`,
      'passdb {',
      '  driver = oauth2',
      '  mechanisms = xoauth2 oauthbearer',
      `  args = ${ext}`,
      '}',
      'passdb {',
      '  driver = passwd-file',
      '  mechanisms = plain login',
      `  args = scheme=PLAIN username_format=%u ${path.join(root, 'users')}`,
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      '    port = 143',
      '  }',
      '  inet_listener imaps {',
      '    port = 993',
      '    ssl = yes',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const instance = await startDovecot({
    name: 'oauth',
    greeting,
    listen: [ip],
    imapPort: 143,
    imapsPort: 993,
    conf,
    logPath: path.join(dir, 'oauth.log'),
    env: {},
  });
  return {
    ip,
    instance,
    stop: async () => {
      await instance.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
