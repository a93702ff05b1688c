/**
 * What to click, per box model (issue 14, item 2) and the next step for a box read over UPnP only
 * (item 5): the model from the adapter or the box's own words, a click path for every task in both
 * languages, a `--vendor` command whose host can be copied safely, and the reports that use them.
 */
import { describe, expect, it } from 'vitest';
import {
  BOX_GUIDES,
  BOX_TASKS,
  boxHost,
  boxModel,
  upnpOnly,
  vendorCommand,
} from '../../src/reporters/box-guide.js';
import { render } from '../../src/reporters/index.js';
import { doctorOffice } from './helpers.js';

function snapshotWith(gateway: Record<string, string | null>, adapter = 'upnp-igd') {
  const s = structuredClone(doctorOffice().snapshots[0]!);
  s.target.adapter = adapter;
  Object.assign(
    s.gateway,
    { manufacturer: null, model: null, modelNumber: null, friendlyName: null, server: null },
    gateway,
  );
  return s;
}

describe('box model', () => {
  it('comes from the adapter that read the box, else from the words of its description', () => {
    expect(boxModel(snapshotWith({}, 'freebox'))).toBe('freebox');
    expect(boxModel(snapshotWith({ manufacturer: 'Sagemcom', model: 'Livebox 5' }))).toBe('livebox');
    expect(boxModel(snapshotWith({ manufacturer: 'Freebox SAS', model: 'Freebox Server' }))).toBe('freebox');
    expect(boxModel(snapshotWith({ friendlyName: 'Bbox' }))).toBe('bbox');
    expect(boxModel(snapshotWith({ model: 'neufbox NB6VAC' }))).toBe('sfr');
    expect(boxModel(snapshotWith({ manufacturer: 'AVM Berlin', model: 'FRITZ!Box 7590' }))).toBe('fritzbox');
    expect(boxModel(snapshotWith({ manufacturer: 'TP-Link', model: 'Archer' }))).toBe('generic');
  });

  it('every model has a click path for every task, in English and French, with its source', () => {
    for (const guide of Object.values(BOX_GUIDES)) {
      for (const task of BOX_TASKS) {
        const path = guide.tasks[task];
        expect(path.en, `${guide.model} ${task}`).not.toBe('');
        expect(path.fr, `${guide.model} ${task}`).not.toBe('');
        expect(path.fr).not.toBe(path.en);
        expect(path.source).not.toBe('');
        // What could not be checked on the vendor's pages says so in the data.
        if (!path.confirmed && guide.model !== 'generic')
          expect(path.source).toMatch(/UNCONFIRMED|third-party/);
      }
    }
  });
});

describe('next step for a box read over UPnP only', () => {
  it('is the --vendor command for a model with an adapter, with the box address', () => {
    const s = snapshotWith({ manufacturer: 'Sagemcom', model: 'Livebox 5' });
    expect(upnpOnly(s)).toBe(true);
    expect(vendorCommand(s)).toBe('boxaudit --vendor livebox --host 192.168.1.1');
  });

  it('is none for an SFR box or an unknown model (the report says where to look instead)', () => {
    expect(vendorCommand(snapshotWith({ model: 'NB6VAC SFR' }))).toBeNull();
    expect(vendorCommand(snapshotWith({ model: 'Archer' }))).toBeNull();
  });

  it('never copies box text into the command: a hostile address is left out', () => {
    const s = snapshotWith({ manufacturer: 'Sagemcom', model: 'Livebox' });
    s.gateway.address = '1.2.3.4; rm -rf ~';
    s.gateway.descriptionUrl = 'http://$(reboot)/x';
    s.target.address = '`id`';
    expect(boxHost(s)).toBeNull();
    expect(vendorCommand(s)).toBe('boxaudit --vendor livebox --host <address of the box>');
  });

  it('the SFR box gets the pages to check in its interface, in every human format', () => {
    const r = doctorOffice();
    Object.assign(r.snapshots[0]!.gateway, { manufacturer: 'SFR', model: 'NB6VAC', friendlyName: null });
    const text = render(r, { format: 'text', lang: 'fr' });
    expect(text).toContain('Réseau → NAT (page /network/nat)');
    const md = render(r, { format: 'markdown', lang: 'fr' });
    expect(md).toContain('/network/nat');
    const html = render(r, { format: 'html', lang: 'fr' });
    expect(html).toContain('Réseau → NAT (page /network/nat)');
  });

  it('a box whose manual forwards and DMZ were read has no such notice', () => {
    const r = doctorOffice();
    for (const c of r.snapshots[0]!.coverage)
      if (c.area === 'static-forwards' || c.area === 'dmz') c.status = 'complete';
    const text = render(r, { format: 'text', lang: 'en' });
    expect(text).not.toContain('the most important part of this box was not read');
    expect(render(r, { format: 'html', lang: 'en' })).not.toContain('id="upnp-only"');
  });
});
