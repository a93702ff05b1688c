/**
 * The adapter registry is the one list of adapters: every `src/adapters/<id>.meta.ts` is in it, each
 * adapter's `meta` is its light metadata plus its allowlist, and offline import reads exactly the
 * adapters whose metadata lists the `file` transport.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  adapterIds,
  adapterMeta,
  adapterMetas,
  credentialStrings,
  loadAdapter,
} from '../../src/adapters/registry.js';
import { EXPORT_VENDORS } from '../../src/import.js';

const ADAPTERS_DIR = fileURLToPath(new URL('../../src/adapters/', import.meta.url));

describe('adapter registry', () => {
  it('lists every metadata module, once, under its file name', () => {
    const files = readdirSync(ADAPTERS_DIR)
      .filter((f) => f.endsWith('.meta.ts'))
      .map((f) => f.slice(0, -'.meta.ts'.length))
      .sort();
    expect(adapterIds()).toEqual(files);
    expect(new Set(adapterIds()).size).toBe(adapterIds().length);
    for (const id of files) expect(readdirSync(ADAPTERS_DIR)).toContain(`${id}.ts`);
  });

  it("each adapter's meta is its light metadata plus its allowlist", async () => {
    for (const meta of adapterMetas()) {
      const adapter = await loadAdapter(meta.id);
      const { allowlist, ...light } = adapter.meta;
      expect(light).toEqual(meta);
      expect(allowlist.length).toBeGreaterThan(0);
    }
  });

  it('has exactly one generic fallback, last in the tie-break order', () => {
    const fallbacks = adapterMetas().filter((m) => m.fallback);
    expect(fallbacks.map((m) => m.id)).toEqual(['upnp-igd']);
    expect(adapterMetas().at(-1)?.id).toBe('upnp-igd');
    expect(adapterMetas().filter((m) => !m.fallback && m.evidence.length === 0)).toEqual([]);
  });

  it('offline import reads exactly the adapters with a file transport', () => {
    const fileAdapters = adapterMetas()
      .filter((m) => m.transports.includes('file'))
      .map((m) => m.id);
    expect([...EXPORT_VENDORS].sort()).toEqual([...fileAdapters, 'dump'].sort());
  });

  it('prints credential needs as the suggestion always did', () => {
    expect(credentialStrings(adapterMeta('livebox')!.credentials)).toEqual(['password', 'username?']);
    expect(credentialStrings(adapterMeta('openwrt')!.credentials)).toEqual([
      'username',
      'privateKey|agent|password',
    ]);
    expect(credentialStrings(adapterMeta('sfr')!.credentials)).toEqual([]);
  });

  it('refuses an unknown id with the list of known ones', async () => {
    await expect(loadAdapter('nope')).rejects.toThrow(/unknown vendor "nope"; known: bbox, edgeos/);
  });
});
