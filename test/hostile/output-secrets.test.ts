/**
 * Issue 11, item 6: a password the box echoes back (in a description, an error message, raw
 * provenance) must not reach any output (stdout, --output, stderr), whatever its length. Secrets of
 * 4+ characters are redacted wherever they occur; 1–3 character ones where they stand as a token
 * of box text (see docs/security.md (Output, secrets and signals)), so our own words are never mangled.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect.js';
import { DEMO_OFFICE } from '../../src/demo/demo-office.js';
import { type IgdSimulator, startIgdSimulator } from '../../src/demo/igd-simulator.js';
import { render, renderDump } from '../../src/reporters/index.js';
import { createRedactor, REDACTED } from '../../src/reporters/sanitize.js';
import { requireBuiltCli, runCli } from '../cli/helpers.js';
import { doctorOffice, schemaAjv } from '../reporters/helpers.js';

const LONG = 'Sup3r-S3cret!';
const SHORT = 'x7';

/** The doctor's office with the secrets echoed everywhere a box can put text. */
function echoed(secret: string) {
  const r = doctorOffice();
  const s = r.snapshots[0]!;
  s.forwards[0]!.description = `pw ${secret}`;
  s.forwards[0]!.provenance.raw = { NewPortMappingDescription: `pw ${secret}`, note: [`login=${secret}`] };
  s.forwards[1]!.internalHost = secret;
  s.gateway.friendlyName = `box (${secret})`;
  s.warnings.push({
    code: 'X',
    message: `auth ${secret} refused`,
    where: `http://admin:${secret}@192.168.1.1/`,
  });
  s.coverage[0]!.reason = `answered "${secret}"`;
  const fw = s.forwards[0]!;
  const f = r.findings.find((x) => x.forwardId === fw.id)!;
  f.message = {
    en: `TCP port 104 is forwarded ("pw ${secret}")`,
    fr: `Le port TCP 104 est redirigé ("pw ${secret}")`,
  };
  return r;
}

describe('render({ secrets }) redacts echoed secrets from every format', () => {
  for (const secret of [LONG, SHORT, 'a']) {
    it(`a ${secret.length}-character secret`, () => {
      const r = echoed(secret);
      // Where the box put it; a 1-character secret is an ordinary word, left in composed texts.
      const forms = [`pw ${secret}`, `box (${secret})`, `login=${secret}`];
      if (secret !== 'a') forms.push(`auth ${secret} refused`, `answered "${secret}"`, `:${secret}@`);
      for (const format of ['text', 'json', 'sarif', 'markdown'] as const) {
        const out = render(r, { format, lang: 'en', secrets: [secret] });
        const leaks = forms.filter((f) => out.includes(f) || out.includes(JSON.stringify(f).slice(1, -1)));
        expect(leaks, format).toEqual([]);
        expect(out, format).toContain('redacted');
        if (secret.length >= 4) expect(out, format).not.toContain(secret);
      }
      const dump = renderDump(
        { schemaVersion: r.schemaVersion, snapshots: r.snapshots },
        { format: 'json', secrets: [secret] },
      );
      expect(forms.filter((f) => dump.includes(f))).toEqual([]);
    });
  }

  it('every provenance string the box supplied is redacted, not only raw (adapter, transport kept)', () => {
    const r = doctorOffice();
    const p = r.snapshots[0]!.forwards[0]!.provenance as unknown as Record<string, unknown>;
    p.controlUrl = `http://box/ctl?pw=${LONG}`;
    p.serviceId = `urn:svc:${LONG}`;
    for (const format of ['json', 'sarif', 'markdown', 'text'] as const) {
      expect(render(r, { format, lang: 'en', secrets: [LONG] }), format).not.toContain(LONG);
    }
    const dump = renderDump(
      { schemaVersion: r.schemaVersion, snapshots: r.snapshots },
      { format: 'json', secrets: [LONG] },
    );
    expect(dump).not.toContain(LONG);
    const json = JSON.parse(render(r, { format: 'json', lang: 'en', secrets: [LONG] }));
    const out = json.snapshots[0].forwards[0].provenance;
    expect([out.controlUrl, out.adapter, out.transport]).toEqual([
      `http://box/ctl?pw=${REDACTED}`,
      p.adapter,
      p.transport,
    ]);
  });

  it('short secrets never mangle our own words: a report without them is byte-identical', () => {
    const r = doctorOffice();
    for (const format of ['text', 'json', 'sarif', 'markdown'] as const) {
      for (const lang of ['en', 'fr'] as const) {
        const plain = render(r, { format, lang });
        expect(
          render(r, { format, lang, secrets: ['a', 'to', 'de', 'is', 'of', 'la'] }),
          `${format} ${lang}`,
        ).toBe(plain);
      }
    }
  });

  it('a secret that equals a schema word (high, fail, tcp, upnp…) never breaks the JSON schema', () => {
    const ajv = schemaAjv();
    const validate = ajv.getSchema('https://boxaudit.dev/schema/report.schema.json')!;
    const r = echoed('high');
    const secrets = ['high', 'fail', 'tcp', 'upnp', 'critical', 'low', 'static', 'complete', 'dmz'];
    const json = JSON.parse(render(r, { format: 'json', secrets }));
    expect(validate(json), ajv.errorsText(validate.errors)).toBe(true);
    expect(json.summary.failOn).toBe('high');
    expect(json.snapshots[0].forwards[0].description).toBe(`pw ${REDACTED}`);
  });

  it('the redactor: long anywhere (and percent-encoded), short as whole tokens only', () => {
    const red = createRedactor(['p@ss word!', 'ab']);
    expect(red.box('xp@ss word!y')).toBe(`x${REDACTED}y`);
    expect(red.box('u=p%40ss%20word!')).toBe(`u=${REDACTED}`);
    expect(red.box('ab cab abc "ab" ab=1')).toBe(`${REDACTED} cab abc "${REDACTED}" ${REDACTED}=1`);
    expect(red.ours('about ab')).toBe('about ab'); // our own text: short secrets left alone
  });
});

let sims: IgdSimulator[] = [];
let server: Server | undefined;
let dir = '';
beforeAll(() => {
  requireBuiltCli();
  dir = mkdtempSync(join(tmpdir(), 'boxaudit-secrets-'));
});
afterEach(async () => {
  await Promise.all(sims.map((s) => s.close()));
  sims = [];
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('collect() keeps the secrets it was given out of the snapshots', () => {
  it('an echoed secret is [redacted] in the snapshot itself (library use, before any render)', async () => {
    const box = await startIgdSimulator({
      ...DEMO_OFFICE,
      mappings: [{ ...DEMO_OFFICE.mappings![0]!, description: `PACS pw ${LONG}` }],
    });
    sims.push(box);
    const { snapshots } = await collect({ upnp: box.descriptionUrl }, { secrets: [LONG] });
    expect(snapshots[0]!.forwards[0]!.description).toBe(`PACS pw ${REDACTED}`);
    expect(JSON.stringify(snapshots)).not.toContain(LONG);
  });
});

describe('collect() errors keep the secrets out too (library callers see them before any CLI)', () => {
  it('a short password echoed in a RouterOS REST error is [redacted] in the thrown message', async () => {
    server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 400, message: 'Bad Request', detail: `wrong password ${SHORT} for admin` }),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const error = await collect({
      vendor: 'routeros-rest',
      host: `http://127.0.0.1:${port}`,
      credentials: { username: 'admin', password: SHORT },
    }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain(`wrong password ${REDACTED} for admin`);
    expect(JSON.stringify({ m: error?.message, d: (error as { details?: unknown }).details })).not.toMatch(
      new RegExp(`\\b${SHORT}\\b`),
    );
  });
});

describe('the CLI: a box that echoes the password', () => {
  it('never shows it on stdout (text and JSON) nor in --output, long or short', async () => {
    for (const secret of [LONG, SHORT]) {
      const box = await startIgdSimulator({
        ...DEMO_OFFICE,
        friendlyName: `Box ${secret}`,
        mappings: [
          { ...DEMO_OFFICE.mappings![0]!, description: `PACS pw ${secret}` },
          ...DEMO_OFFICE.mappings!.slice(1),
        ],
      });
      sims.push(box);
      const file = join(dir, `report-${secret.length}.json`);
      const env = { BOXAUDIT_PASSWORD: secret };
      const text = await runCli(['audit', '--upnp', box.descriptionUrl, '--output', file], { env });
      const json = await runCli(['audit', '--upnp', box.descriptionUrl, '--json'], { env });
      const dump = await runCli(['dump', '--upnp', box.descriptionUrl, '--json'], { env });
      for (const [what, out] of [
        ['text', text.stdout],
        ['json', json.stdout],
        ['dump', dump.stdout],
        ['--output', readFileSync(file, 'utf8')],
        ['stderr', text.stderr + json.stderr + dump.stderr],
      ] as const) {
        expect(out.includes(`pw ${secret}`) || out.includes(`Box ${secret}`), `${what} (${secret})`).toBe(
          false,
        );
      }
      expect(text.stdout).toContain(`PACS pw ${REDACTED}`);
      expect(JSON.parse(json.stdout).snapshots[0].gateway.friendlyName).toBe(`Box ${REDACTED}`);
    }
  });

  it('a short password echoed in a RouterOS REST error is redacted on stderr too', async () => {
    server = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: 400, message: 'Bad Request', detail: `wrong password ${SHORT} for admin` }),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const r = await runCli(['audit', '--vendor', 'routeros-rest', '--host', `http://127.0.0.1:${port}`], {
      env: { BOXAUDIT_PASSWORD: SHORT, BOXAUDIT_USER: 'admin' },
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`wrong password ${REDACTED} for admin`);
    expect(r.stderr).not.toMatch(new RegExp(`\\b${SHORT}\\b`));
  });
});
