/**
 * Throwaway TLS certificates for tests, made with openssl at test time (2-day validity): no private
 * key is ever committed.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificate {
  key: string;
  cert: string;
  /** `AA:BB:…`, as Node prints it. */
  fingerprint256: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'k.pem'];

function inTempDir<T>(make: (openssl: (args: string[]) => void, dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-cert-'));
  try {
    return make((args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' }), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function read(dir: string): TestCertificate {
  const cert = readFileSync(join(dir, 'c.pem'), 'utf8');
  return {
    key: readFileSync(join(dir, 'k.pem'), 'utf8'),
    cert,
    fingerprint256: new X509Certificate(cert).fingerprint256,
  };
}

const altName = (name: string) => `subjectAltName=${isIP(name) ? 'IP' : 'DNS'}:${name}`;

/** A self-signed certificate for `name` (a host name or an IP address), like most boxes serve. */
export function selfSignedCertificate(name: string): TestCertificate {
  return inTempDir((openssl, dir) => {
    openssl([
      'req',
      '-x509',
      ...EC_KEY,
      '-out',
      'c.pem',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      altName(name),
    ]);
    return read(dir);
  });
}

/** A certificate for `name` signed by a throwaway root (returned too, to be trusted with `tlsCa`). */
export function certificateFromTestRoot(name: string): TestCertificate & { root: string } {
  return inTempDir((openssl, dir) => {
    openssl([
      'req',
      '-x509',
      ...EC_KEY.slice(0, -1),
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Test Root',
    ]);
    openssl(['req', ...EC_KEY, '-out', 'c.csr', '-subj', `/CN=${name}`]);
    writeFileSync(join(dir, 'ext.cnf'), `${altName(name)}\n`);
    openssl([
      'x509',
      '-req',
      '-in',
      'c.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'c.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ]);
    return { ...read(dir), root: readFileSync(join(dir, 'ca.pem'), 'utf8') };
  });
}
