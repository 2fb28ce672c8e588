// The loopback test servers answer, from a vitest worker (found through loadTestbed()).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as keytar from '@napi-rs/keyring/keytar.js';
import { banner } from '../helpers/banner';
import { EXAMPLE_SERIAL, loadTestbed, NGINX_DEFAULT_TEXT } from '../../testbed/testbed';

const exec = promisify(execFile);
const tb = loadTestbed();

describe('testbed', () => {
  it('sshd web1 and web2 send an SSH banner', async () => {
    for (const s of [tb.ssh.web1, tb.ssh.web2]) {
      expect(await banner(s.host, s.port)).toMatch(/^SSH-2\.0-OpenSSH/);
      expect(s.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(s.hostKeyLine).toMatch(/^ssh-ed25519 AAAA\S+$/);
    }
  });

  it('mariadb answers through its socket for the admin user', async () => {
    const { mariadb: m } = tb;
    const { stdout } = await exec('mariadb', ['--no-defaults', `--socket=${m.socket}`, '-u', m.adminUser, `-p${m.adminPassword}`, '-N', '-B', '-e', 'SELECT CURRENT_USER(), 1+1']);
    expect(stdout.trim()).toBe(`${m.adminUser}@localhost\t2`);
  });

  it('ns1 and ns2 serve the example zone (dig) and accept rndc', async () => {
    for (const ns of [tb.ns.ns1, tb.ns.ns2]) {
      const { stdout } = await exec('dig', [`@${ns.host}`, '-p', String(ns.port), 'example.test', 'SOA', '+short', '+time=2', '+tries=1']);
      expect(stdout.trim().split(/\s+/)[2]).toBe(String(EXAMPLE_SERIAL));
      const rndc = await exec('rndc', ['-c', ns.rndcConfFile, 'status']);
      expect(rndc.stdout).toContain('server is up and running');
    }
  });

  it('nginx returns the default text (curl)', async () => {
    const { stdout } = await exec('curl', ['-sS', '--max-time', '5', `http://${tb.nginx.host}:${tb.nginx.port}/`]);
    expect(stdout.trim()).toBe(NGINX_DEFAULT_TEXT);
  });

  it('pebble serves its ACME directory over HTTPS (curl with its API CA) and its issuing root', async () => {
    const { stdout } = await exec('curl', ['-sS', '--max-time', '5', '--cacert', tb.pebble.apiCaFile, tb.pebble.directoryUrl]);
    expect(JSON.parse(stdout)).toMatchObject({ newAccount: expect.stringContaining('https://'), newOrder: expect.stringContaining('https://') });
    const root = await exec('openssl', ['x509', '-noout', '-subject', '-in', tb.pebble.issuingRootFile]);
    expect(root.stdout).toMatch(/Pebble Root CA/);
  });

  it('pure-ftpd greets with 220', async () => {
    expect(await banner(tb.ftp.host, tb.ftp.port)).toMatch(/^220[- ]/);
  });

  it('the keychain (gnome-keyring via @napi-rs/keyring/keytar) round-trips a secret', async () => {
    const service = `hostdeck-test-${process.pid}`;
    await keytar.setPassword(service, 'acct', 's3cret-value');
    expect(await keytar.getPassword(service, 'acct')).toBe('s3cret-value');
    expect(await keytar.findCredentials(service)).toEqual([{ account: 'acct', password: 's3cret-value' }]);
    expect(await keytar.deletePassword(service, 'acct')).toBe(true);
    expect(await keytar.getPassword(service, 'acct')).toBeNull();
  });
});
