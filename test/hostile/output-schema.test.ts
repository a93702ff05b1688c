/**
 * Issue 11, item 7 (schema): values a box (or a parser) can produce that the published schemas do
 * not allow — a negative lease, a remote-admin port of 1e20, NaN, a port above 65535, a string
 * where a number belongs — become unknown (null) with a warning at the snapshot boundary, so
 * `--json` (report and dump) always validates against schema/report.schema.json and
 * schema/dump.schema.json, and the rules see an unknown value (inconclusive), never a wrong one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/audit.js';
import type { Snapshot } from '../../src/model/types.js';
import { checkSnapshot } from '../../src/model/validate.js';
import { render, renderDump } from '../../src/reporters/index.js';
import { loadRuleSet } from '../../src/rules/load.js';
import type { RuleSet } from '../../src/rules/types.js';
import { doctorOffice, schemaAjv } from '../reporters/helpers.js';

type Mutation = (s: Snapshot) => void;
// biome-ignore lint/suspicious/noExplicitAny: planting values the types forbid is the point
const any = (v: unknown): any => v;

const CASES: Record<string, Mutation> = {
  'negative lease': (s) => {
    s.forwards[0]!.leaseSeconds = -5;
  },
  'lease NaN': (s) => {
    s.forwards[0]!.leaseSeconds = Number.NaN;
  },
  'lease 1e20': (s) => {
    s.forwards[0]!.leaseSeconds = 1e20;
  },
  'fractional lease': (s) => {
    s.forwards[0]!.leaseSeconds = 1.5;
  },
  'lease as a string': (s) => {
    s.forwards[0]!.leaseSeconds = any('3600');
  },
  'public port 1e20': (s) => {
    s.forwards[0]!.externalPort = { start: 1e20, end: 1e20 };
  },
  'public port 70000': (s) => {
    s.forwards[0]!.externalPort = { start: 70_000, end: 70_000 };
  },
  'negative LAN port': (s) => {
    s.forwards[0]!.internalPort = { start: -1, end: 80 };
  },
  'range start after end': (s) => {
    s.forwards[0]!.externalPort = { start: 9000, end: 8000 };
  },
  'port NaN': (s) => {
    s.forwards[0]!.internalPort = { start: Number.NaN, end: Number.NaN };
  },
  'port range with an extra field': (s) => {
    s.forwards[0]!.externalPort = any({ start: 80, end: 80, evil: true });
  },
  'remote-admin port 1e20': (s) => {
    s.remoteAdmin = {
      enabled: true,
      services: [{ service: 'https', port: 1e20, wan: true, restrictedTo: null }],
    };
  },
  'remote-admin port -443': (s) => {
    s.remoteAdmin = {
      enabled: true,
      services: [{ service: 'https', port: -443, wan: true, restrictedTo: null }],
    };
  },
  'uptime -1': (s) => {
    s.gateway.uptimeSeconds = -1;
  },
  'uptime Infinity': (s) => {
    s.gateway.uptimeSeconds = Number.POSITIVE_INFINITY;
  },
  'mapping count -3': (s) => {
    s.upnp = { enabled: true, mappingCount: -3, igdVersion: 1 };
  },
  'IGD version 0': (s) => {
    s.upnp = { enabled: true, mappingCount: 1, igdVersion: 0 };
  },
  'description as a number': (s) => {
    s.forwards[0]!.description = any(42);
  },
  'enabled as "yes"': (s) => {
    s.forwards[0]!.enabled = any('yes');
  },
  'external IP as an object': (s) => {
    s.gateway.externalIp = any({ ip: '1.2.3.4' });
  },
};

/** Cases fixed without a warning. */
const SILENT = new Set(['port range with an extra field']);

let ruleSet: RuleSet;
beforeAll(async () => {
  ruleSet = await loadRuleSet(undefined);
});

describe('values outside the schema become unknown, with a warning', () => {
  const ajv = schemaAjv();
  const report = ajv.getSchema('https://boxaudit.dev/schema/report.schema.json')!;
  const dump = ajv.getSchema('https://boxaudit.dev/schema/dump.schema.json')!;

  for (const [name, mutate] of Object.entries(CASES)) {
    it(`${name}: --json report and dump validate against the published schemas`, () => {
      const snapshot = doctorOffice().snapshots[0]!;
      mutate(snapshot);
      const built = buildReport([snapshot], ruleSet, { now: '2026-12-01T00:00:00Z', failOn: 'high' });
      const json = JSON.parse(render(built, { format: 'json' }));
      expect(report(json), `${name}: ${ajv.errorsText(report.errors)}`).toBe(true);
      const checked = checkSnapshot(snapshot);
      const doc = JSON.parse(
        renderDump({ schemaVersion: built.schemaVersion, snapshots: [checked] }, { format: 'json' }),
      );
      expect(dump(doc), `${name}: ${ajv.errorsText(dump.errors)}`).toBe(true);
      const warning = json.snapshots[0].warnings.find(
        (w: { code: string }) => w.code === 'VALUE_OUT_OF_RANGE',
      );
      if (SILENT.has(name)) {
        expect(warning).toBeUndefined(); // an extra field is dropped, the value itself is fine
      } else {
        expect(warning, name).toBeDefined();
        expect(warning.message).toMatch(/read as unknown/);
      }
      // Text renders it as unknown too, without NaN, Infinity or a negative duration.
      const text = render(built, { format: 'text' });
      const odd = text
        .split('\n')
        .filter((l) => /NaN|Infinity|1e\+20|-5 s/.test(l) && !l.includes('VALUE_OUT_OF_RANGE'));
      expect(odd).toEqual([]);
    });
  }

  it('the value is null, never guessed, and the forward is kept', () => {
    const snapshot = doctorOffice().snapshots[0]!;
    const count = snapshot.forwards.length;
    snapshot.forwards[0]!.leaseSeconds = -5;
    snapshot.forwards[0]!.externalPort = { start: 1e20, end: 1e20 };
    const checked = checkSnapshot(snapshot);
    expect(checked.forwards).toHaveLength(count);
    expect(checked.forwards[0]!.leaseSeconds).toBeNull();
    expect(checked.forwards[0]!.externalPort).toBeNull();
    expect(snapshot.forwards[0]!.leaseSeconds).toBe(-5); // the caller's object is not changed
  });

  it('an unknown protocol keeps the forward as tcp and udp (fail closed)', () => {
    const snapshot = doctorOffice().snapshots[0]!;
    snapshot.forwards[0]!.protocol = any('sctp');
    const checked = checkSnapshot(snapshot);
    const ids = checked.forwards.filter((f) => f.id.startsWith(snapshot.forwards[0]!.id));
    expect(ids.map((f) => f.protocol).sort()).toEqual(['tcp', 'udp']);
    expect(checked.warnings.some((w) => w.code === 'PROTOCOL_UNKNOWN')).toBe(true);
  });

  it('a snapshot within the schema is returned as is', () => {
    const snapshot = doctorOffice().snapshots[0]!;
    expect(checkSnapshot(snapshot)).toBe(snapshot);
  });
});
