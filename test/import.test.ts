import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBoxauditError } from '../src/errors.js';
import {
  detectExportFormat,
  loadSnapshotsFromFile,
  parseExport,
  parseExportSnapshots,
} from '../src/import.js';
import { fixture } from './adapters/helpers.js';

const cases: [string, string][] = [
  ['linux/nft-lab-capture.json', 'linux'],
  ['linux/iptables-save-nat.txt', 'linux'],
  ['openwrt/uci-show.txt', 'openwrt'],
  ['openwrt/etc-config-firewall', 'openwrt'],
  ['routeros/export.rsc', 'routeros'],
  ['routeros/nat-print-detail.txt', 'routeros'],
  ['edgeos/show-configuration-commands.txt', 'edgeos'],
  ['vyos/vyos-1.3.txt', 'vyos'],
  ['vyos/vyos-1.4.txt', 'vyos'],
  ['pfsense/config.xml', 'pfsense'],
  ['opnsense/config.xml', 'opnsense'],
  ['dump/dump.json', 'dump'],
];

describe('detectExportFormat', () => {
  it.each(cases)('%s is %s', (file, vendor) => {
    const found = detectExportFormat(fixture(file), file);
    expect(found?.vendor).toBe(vendor);
    expect(found?.confidence).toBeGreaterThanOrEqual(0.6);
  });

  it('returns null for text it cannot place', () => {
    // A shell script's `set -e` is not a Vyatta node.
    expect(detectExportFormat('#!/bin/sh\nset -e\nset -u\nnft -j list ruleset\n')).toBeNull();
    expect(detectExportFormat('hello world\n')).toBeNull();
    expect(detectExportFormat('{"a": 1}')).toBeNull();
    expect(detectExportFormat('<html></html>')).toBeNull();
  });
});

describe('parseExport', () => {
  it.each(cases.filter(([, v]) => v !== 'dump'))(
    '%s gives a file snapshot with forwards and coverage',
    (file, vendor) => {
      const snap = parseExport(fixture(file), { fileName: file });
      expect(snap.target).toEqual({ kind: 'file', address: file, adapter: vendor });
      expect(snap.forwards.length).toBeGreaterThan(0);
      expect(
        snap.forwards.every((f) => f.provenance.transport === 'file' && /^fwd_[0-9a-f]{16}$/.test(f.id)),
      ).toBe(true);
      expect(new Set(snap.forwards.map((f) => f.id)).size).toBe(snap.forwards.length);
      expect(snap.coverage.length).toBeGreaterThan(0);
    },
  );

  it('honours a forced vendor, and refuses an unknown one', () => {
    expect(parseExport(fixture('vyos/vyos-1.3.txt'), { vendor: 'edgeos' }).target.adapter).toBe('edgeos');
    try {
      parseExport('x', { vendor: 'netgear' });
      expect.unreachable();
    } catch (err) {
      expect(isBoxauditError(err, 'BOXAUDIT_USAGE')).toBe(true);
      expect((err as Error).message).toContain('known: linux, openwrt');
    }
  });

  it('says what it accepts when it cannot tell the format', () => {
    try {
      parseExport('just some notes\n', { fileName: 'notes.txt' });
      expect.unreachable();
    } catch (err) {
      expect(isBoxauditError(err, 'BOXAUDIT_INPUT_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(/^notes\.txt: not a recognised export.*--vendor/);
    }
  });
});

describe('line ends and encodings', () => {
  const forwards = (text: string, file: string) =>
    parseExportSnapshots(text, { fileName: file })[0]!.forwards.map((f) => f.id);

  it.each([
    'linux/iptables-save-nat.txt',
    'edgeos/show-configuration-commands.txt',
    'vyos/vyos-1.4.txt',
    'openwrt/uci-show.txt',
  ])('%s with CR-only or CRLF line ends reads the same forwards', (file) => {
    const lf = forwards(fixture(file), file);
    expect(lf.length).toBeGreaterThan(0);
    expect(forwards(fixture(file).replace(/\n/g, '\r'), file)).toEqual(lf);
    expect(forwards(fixture(file).replace(/\n/g, '\r\n'), file)).toEqual(lf);
  });

  it('a self-closing <pfsense/> root is still pfSense', () => {
    expect(detectExportFormat('<?xml version="1.0"?>\n<pfsense/>\n')?.vendor).toBe('pfsense');
  });
});

describe('dump documents and files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'boxaudit-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns a dump document’s snapshots unchanged', () => {
    const text = fixture('dump/dump.json');
    expect(parseExportSnapshots(text)).toEqual(JSON.parse(text).snapshots);
  });

  it('names the broken field of a bad dump', () => {
    const doc = JSON.parse(fixture('dump/dump.json'));
    doc.snapshots[0].forwards = 'no';
    expect(() => parseExportSnapshots(JSON.stringify(doc), { fileName: 'bad.json' })).toThrow(
      'bad.json: /snapshots/0/forwards must be array (got "no")',
    );
  });

  it('checks a dump against the schema before anything reads it: every problem named, at most ten', () => {
    // Hand-made: a gateway without its fields used to crash the text report later.
    const doc = JSON.parse(fixture('dump/dump.json'));
    doc.snapshots[0].gateway = {};
    doc.snapshots[0].forwards[0].internalPort = { start: 104 };
    try {
      parseExportSnapshots(JSON.stringify(doc), { fileName: 'hand.json' });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'BOXAUDIT_INPUT_INVALID' });
      const lines = (error as Error).message.split('\n');
      expect(lines[0]).toBe('hand.json is not a valid boxaudit dump (schema/dump.schema.json):');
      expect(lines).toContain('hand.json: /snapshots/0/gateway/manufacturer is required (missing)');
      expect(lines).toHaveLength(12);
      expect(lines.at(-1)).toMatch(/^… and \d+ more$/);
      // All of them are in the details, the forward's too.
      const { problems } = (error as { details: { problems: string[] } }).details;
      expect(problems.length).toBe(10 + Number(lines.at(-1)!.match(/\d+/)![0]));
      expect(problems.some((l) => l.startsWith('hand.json: /snapshots/0/forwards/0/internalPort '))).toBe(
        true,
      );
    }
  });

  it('loads files: config export, dump, BOM, missing file', async () => {
    const cfg = join(dir, 'config.xml');
    writeFileSync(cfg, `\uFEFF${fixture('pfsense/config.xml')}`);
    const [snap] = await loadSnapshotsFromFile(cfg);
    expect(snap?.target).toEqual({ kind: 'file', address: cfg, adapter: 'pfsense' });
    const dump = join(dir, 'dump.json');
    writeFileSync(dump, fixture('dump/dump.json'));
    expect(await loadSnapshotsFromFile(dump)).toHaveLength(1);
    await expect(loadSnapshotsFromFile(join(dir, 'nope.txt'))).rejects.toMatchObject({
      code: 'BOXAUDIT_NOT_FOUND',
    });
  });

  it('a parser error names the file and, for XML, the line', () => {
    const truncated = fixture('pfsense/config.xml').slice(0, 400);
    expect(() => parseExportSnapshots(truncated, { fileName: '/backups/site-12.xml' })).toThrow(
      /^\/backups\/site-12\.xml: \[pfsense\] config\.xml: malformed XML \(.+ at line \d+, column \d+\)$/,
    );
  });

  it('a schema error inside an object alternative points at the field, not at the anyOf', () => {
    const doc = JSON.parse(fixture('dump/dump.json'));
    doc.snapshots[0].remoteAdmin = {
      enabled: true,
      services: [{ service: 'ssh', port: 99999, wan: true, restrictedTo: null }],
    };
    expect(() => parseExportSnapshots(JSON.stringify(doc), { fileName: 'p.json' })).toThrow(
      'p.json: /snapshots/0/remoteAdmin/services/0/port must be <= 65535',
    );
  });

  it('a port range that ends before it starts is refused, naming the forward', () => {
    const doc = JSON.parse(fixture('dump/dump.json'));
    doc.snapshots[0].forwards[0].externalPort = { start: 9000, end: 100 };
    expect(() => parseExportSnapshots(JSON.stringify(doc), { fileName: 'r.json' })).toThrow(
      'r.json: /snapshots/0/forwards/0/externalPort ends before it starts (9000-100)',
    );
  });

  it('an empty dump is refused: no box was read, so nothing can be called clean', () => {
    expect(() =>
      parseExportSnapshots('{"schemaVersion":"1.0","snapshots":[]}', { fileName: 'e.json' }),
    ).toThrow('e.json: the dump holds no snapshot (no box was read)');
  });

  it('a dump nested too deep to print gets a schema error, not a stack overflow', () => {
    const deep = `{"schemaVersion":"1.0","snapshots":[${'['.repeat(100_000)}${']'.repeat(100_000)}]}`;
    expect(() => parseExportSnapshots(deep, { fileName: 'deep.json' })).toThrow(
      /deep\.json: \/snapshots\/0 must be object \(got \[…\]\)/,
    );
  });

  it('UTF-16 files (PowerShell `>`) are decoded, little- and big-endian', async () => {
    const text = fixture('openwrt/uci-show.txt');
    const le = join(dir, 'uci-le.txt');
    writeFileSync(le, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const be = join(dir, 'uci-be.txt');
    writeFileSync(be, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
    const expected = parseExportSnapshots(text)[0]!.forwards.length;
    expect(expected).toBeGreaterThan(0);
    for (const file of [le, be]) {
      const [snap] = await loadSnapshotsFromFile(file);
      expect(snap!.target.adapter).toBe('openwrt');
      expect(snap!.forwards).toHaveLength(expected);
    }
  });

  it('refuses what is not a regular file, and says why, without reading it', async () => {
    await expect(loadSnapshotsFromFile('/dev/zero')).rejects.toMatchObject({
      code: 'BOXAUDIT_INPUT_INVALID',
      message: '/dev/zero: not a regular file (a device, pipe or socket)',
    });
    await expect(loadSnapshotsFromFile(dir)).rejects.toMatchObject({
      code: 'BOXAUDIT_INPUT_INVALID',
      message: `${dir}: not a regular file (a directory)`,
    });
    await expect(loadSnapshotsFromFile(join(dir, 'nope.txt'))).rejects.toMatchObject({
      message: `${join(dir, 'nope.txt')}: cannot read (no such file, ENOENT)`,
    });
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(loadSnapshotsFromFile(join(dir, 'x'), { signal: ac.signal })).rejects.toMatchObject({
      code: 'BOXAUDIT_ABORTED',
    });
  });
});

describe('nftables text and filter-only iptables-save are Linux rulesets (issue 10)', () => {
  it('reads nft text output (nft list ruleset) like its JSON export', () => {
    expect(detectExportFormat(fixture('linux/nft-lab-capture.txt'))).toEqual({
      vendor: 'linux',
      confidence: 0.9,
    });
    const text = parseExport(fixture('linux/nft-lab-capture.txt'), { fileName: 'ruleset.txt' });
    const json = parseExport(fixture('linux/nft-lab-capture.json'), { fileName: 'ruleset.json' });
    expect(text.forwards.map(({ id: _id, provenance: _p, ...f }) => f)).toEqual(
      json.forwards.map(({ id: _id, provenance: _p, ...f }) => f),
    );
  });

  it('recognises /etc/nftables.conf with defines and an iptables-save of the filter table alone', () => {
    const conf = 'flush ruleset\ndefine WAN = eth0\n\ntable inet filter {\n  chain input {\n  }\n}\n';
    expect(detectExportFormat(conf)?.vendor).toBe('linux');
    const filterOnly = '*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n-A INPUT -i lo -j ACCEPT\nCOMMIT\n';
    expect(detectExportFormat(filterOnly)).toEqual({ vendor: 'linux', confidence: 0.85 });
    // a shell script that happens to say "table" is not nftables
    expect(detectExportFormat('echo "table ip nat"\n')).toBeNull();
  });
});

describe('detectExportFormat: blank lines stay linear (review finding)', () => {
  it('250 000 blank lines between two words: no format, found without quadratic backtracking', () => {
    expect(detectExportFormat(`x${'\n'.repeat(250_000)}y`)).toBeNull();
    expect(detectExportFormat(`0 ;;; web\n${'\n'.repeat(250_000)}chain=dstnat`)).toBeNull();
  });
});
