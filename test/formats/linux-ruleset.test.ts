import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isBoxauditError } from '../../src/errors.js';
import { parseLinuxRuleset } from '../../src/formats/linux-ruleset.js';

const dir = new URL('../fixtures/configs/linux/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

/** Compact view of a forward, for field-by-field comparison. */
function row(f: ReturnType<typeof parseLinuxRuleset>['forwards'][number]) {
  const r = (x: { start: number; end: number } | null) => (x ? `${x.start}-${x.end}` : null);
  return [
    f.source,
    f.protocol,
    r(f.externalPort),
    f.internalHost,
    r(f.internalPort),
    f.remoteHost,
    f.description,
  ];
}

describe('linux: real nft -j capture (miniupnpd + static DNAT, generated in a namespace)', () => {
  const parts = parseLinuxRuleset(read('nft-lab-capture.json'));

  it('reads every DNAT rule of every table and chain, miniupnpd chains as upnp', () => {
    expect(parts.forwards.map(row)).toEqual([
      // miniupnpd: raw payload @nh,72,8 (protocol) + th dport; remote host from its filter chain
      ['upnp', 'tcp', '11112-11112', '10.77.0.10', '11112-11112', null, null],
      ['upnp', 'udp', '3479-3479', '10.77.0.11', '3478-3478', null, null],
      ['upnp', 'tcp', '13389-13389', '10.77.0.12', '3389-3389', '11.0.0.1', null],
      ['static', 'tcp', '104-104', '10.77.0.20', '104-104', null, 'PACS static'],
      ['static', 'tcp', '8000-8010', '10.77.0.30', '8000-8010', '203.0.113.7', 'NAS web'],
      ['static', 'tcp', '3389-3389', '10.77.0.40', '3390-3390', null, null],
      ['static', 'udp', '3389-3389', '10.77.0.40', '3390-3390', null, null],
      ['static', 'udp', '5060-5060', '10.77.0.50', '5060-5060', null, null],
      ['static', 'udp', '5061-5061', '10.77.0.50', '5061-5061', null, null],
      ['static', 'tcp', '104-104', '10.77.0.60', '104-104', null, null],
      ['static', 'tcp', '11112-11112', '10.77.0.60', '11112-11112', null, null],
      ['static', 'tcp', '2222-2222', '10.77.0.70', '22-22', null, null],
      ['static', 'tcp', '5900-5900', '10.77.0.80', '5900-5900', null, null],
      ['dmz', 'tcp', '1-65535', '10.77.0.99', '1-65535', null, 'exposed host'],
      ['dmz', 'udp', '1-65535', '10.77.0.99', '1-65535', null, 'exposed host'],
    ]);
  });

  it('keeps leases unknown for upnp, permanent for static; provenance names table, chain and handle', () => {
    const upnp = parts.forwards.filter((f) => f.source === 'upnp');
    expect(upnp.every((f) => f.leaseSeconds === null && f.enabled === true)).toBe(true);
    expect(parts.forwards.filter((f) => f.source === 'static').every((f) => f.leaseSeconds === 0)).toBe(true);
    expect(upnp[0]?.provenance).toMatchObject({
      adapter: 'linux',
      transport: 'file',
      raw: { family: 'inet', table: 'filter', chain: 'prerouting_miniupnpd', inInterface: 'bxgww' },
    });
  });

  it('warns with the rule handle for what it does not understand, and for a negated source', () => {
    const codes = parts.warnings.map((w) => w.code);
    expect(codes).toContain('NFT_RULE_NOT_UNDERSTOOD');
    expect(codes).toContain('NFT_SOURCE_NEGATED');
    const fib = parts.warnings.find((w) => w.code === 'NFT_RULE_NOT_UNDERSTOOD');
    expect(fib?.message).toContain('fib');
    expect(fib?.where).toMatch(/^nft ip nat prerouting handle \d+$/);
  });

  it('reports the DMZ, UPnP state and honest coverage', () => {
    expect(parts.dmz).toEqual({ enabled: true, host: '10.77.0.99' });
    expect(parts.upnp).toEqual({ enabled: true, mappingCount: 3, igdVersion: null });
    const byArea = Object.fromEntries(parts.coverage.map((c) => [c.area, c.status]));
    expect(byArea).toMatchObject({
      'static-forwards': 'complete',
      'upnp-mappings': 'partial',
      'remote-admin': 'not-visible',
      'ipv6-pinholes': 'not-visible',
    });
  });
});

describe('linux: iptables-save -t nat', () => {
  it('decodes DNAT rules, MINIUPNPD as upnp, multiport, sources, comments', () => {
    const parts = parseLinuxRuleset(read('iptables-save-nat.txt'), { transport: 'ssh' });
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '104-104', '192.168.1.20', '104-104', null, 'PACS'],
      ['static', 'tcp', '8443-8443', '192.168.1.30', '443-443', '203.0.113.0/24', null],
      ['static', 'tcp', '80-80', '192.168.1.31', '80-80', null, null],
      ['static', 'tcp', '443-443', '192.168.1.31', '443-443', null, null],
      ['static', 'udp', '5000-5010', '192.168.1.32', '5000-5010', null, null],
      ['upnp', 'tcp', '11112-11112', '192.168.1.40', '11112-11112', null, null],
    ]);
    expect(parts.forwards[0]?.provenance.transport).toBe('ssh');
    expect(parts.warnings.map((w) => w.code)).toEqual(['IPTABLES_RULE_NOT_UNDERSTOOD']);
    expect(parts.warnings[0]?.where).toMatch(/^iptables-save line \d+$/);
  });
});

describe('linux: bad input', () => {
  it('names what is wrong', () => {
    for (const text of ['{"nope": 1}', '{not json', 'hello']) {
      try {
        parseLinuxRuleset(text);
        expect.unreachable();
      } catch (err) {
        expect(isBoxauditError(err, 'BOXAUDIT_INPUT_INVALID')).toBe(true);
        expect((err as Error).message).toMatch(/^\[linux\]/);
      }
    }
  });

  it('an nftables array that is not nft output is refused, not read as a box without forwards', () => {
    expect(() => parseLinuxRuleset('{"nftables": []}')).toThrow('(no metainfo entry)');
    expect(() => parseLinuxRuleset('{"nftables": [{"metainfo": {}}, [[1]]]}')).toThrow(
      '(/nftables/1 is not an object)',
    );
    expect(() => parseLinuxRuleset('{"nftables": [')).toThrow(/not JSON \(.+\)/);
    // The output of an empty ruleset is just its metainfo: no forwards, and that is an answer.
    expect(parseLinuxRuleset('{"nftables": [{"metainfo": {"json_schema_version": 1}}]}').forwards).toEqual(
      [],
    );
  });
});

describe('linux: hand-written nft JSON corner cases (documented libnftables JSON)', () => {
  const rule = (handle: number, expr: unknown[], chain = 'prerouting') => ({
    rule: { family: 'ip', table: 'nat', chain, handle, expr },
  });
  const doc = (...rules: unknown[]) =>
    JSON.stringify({
      nftables: [
        { metainfo: { json_schema_version: 1 } },
        {
          set: {
            family: 'ip',
            table: 'nat',
            name: 'partners',
            type: 'ipv4_addr',
            elem: ['198.51.100.7', { prefix: { addr: '203.0.113.0', len: 24 } }],
          },
        },
        ...rules,
      ],
    });

  it('resolves a named source set, reads ip protocol, warns on redirect and on a dnat map', () => {
    const parts = parseLinuxRuleset(
      doc(
        rule(1, [
          { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '@partners' } },
          { match: { op: '==', left: { payload: { protocol: 'ip', field: 'protocol' } }, right: 'tcp' } },
          { match: { op: '==', left: { payload: { protocol: 'th', field: 'dport' } }, right: 5432 } },
          { counter: { packets: 0, bytes: 0 } },
          { dnat: { addr: '10.0.0.5', port: 5432 } },
        ]),
        rule(2, [
          { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 2222 } },
          { redirect: { port: 22 } },
        ]),
        rule(3, [
          { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 80 } },
          {
            dnat: {
              addr: { map: { key: { payload: { protocol: 'tcp', field: 'dport' } }, data: { set: [] } } },
            },
          },
        ]),
      ),
    );
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '5432-5432', '10.0.0.5', '5432-5432', '198.51.100.7,203.0.113.0/24', null],
      ['static', 'tcp', '80-80', null, '80-80', null, null],
    ]);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['NFT_REDIRECT_TO_ROUTER', 'nft ip nat prerouting handle 2'],
      ['NFT_RULE_NOT_UNDERSTOOD', 'nft ip nat prerouting handle 3'],
    ]);
  });
});

describe('linux: nftables text (nftables.conf, nft list ruleset) (issue 10)', () => {
  const rows = (text: string) => parseLinuxRuleset(text).forwards.map(row);

  it('the text capture gives the same forwards as the JSON capture of the same ruleset', () => {
    const json = parseLinuxRuleset(read('nft-lab-capture.json'));
    const text = parseLinuxRuleset(read('nft-lab-capture.txt'));
    expect(text.forwards.map(row)).toEqual(json.forwards.map(row));
    expect(text.dmz).toEqual(json.dmz);
    expect(text.upnp).toEqual(json.upnp);
  });

  const nat = (prerouting: string, extra = '') => `flush ruleset
define WAN = "eth0"
define LAN = "br-lan"
table inet filter {
  chain input { type filter hook input priority 0; policy drop; iifname $LAN accept; }
}
table ip nat {
  ${extra}
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    ${prerouting}
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname $WAN masquerade
  }
}
`;

  it('reads port maps: anonymous, named, keyed by address or address . port', () => {
    expect(rows(nat('iifname $WAN dnat to tcp dport map { 80 : 10.0.0.2, 8443 : 10.0.0.3 }'))).toEqual([
      ['static', 'tcp', '80-80', '10.0.0.2', '80-80', null, null],
      ['static', 'tcp', '8443-8443', '10.0.0.3', '8443-8443', null, null],
    ]);
    expect(
      rows(
        nat(
          'iifname $WAN dnat ip addr . port to udp dport map @games',
          'map games { type inet_service : ipv4_addr . inet_service; elements = { 27015 : 10.0.0.7 . 27016 } }',
        ),
      ),
    ).toEqual([['static', 'udp', '27015-27015', '10.0.0.7', '27016-27016', null, null]]);
    expect(
      rows(
        nat(
          'iifname $WAN tcp dport 443 dnat ip to ip daddr map { 203.0.113.5 : 10.0.0.5, 203.0.113.6 : 10.0.0.6 }',
        ),
      ),
    ).toEqual([
      ['static', 'tcp', '443-443', '10.0.0.5', '443-443', null, null],
      ['static', 'tcp', '443-443', '10.0.0.6', '443-443', null, null],
    ]);
  });

  it('a DNAT on the LAN (DNS hijack) is not a forward from the Internet; the WAN comes from the masquerade rule', () => {
    const parts = parseLinuxRuleset(
      nat(`iifname $LAN udp dport 53 ip daddr != 10.0.0.1 dnat to 10.0.0.1
    iifname $WAN tcp dport 8080 dnat to 10.0.0.9:80`),
    );
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '8080-8080', '10.0.0.9', '80-80', null, null],
    ]);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['LINUX_DNAT_NOT_WAN', 'nft ip nat prerouting line 11'],
    ]);
  });

  it('what it cannot read is warned with its line, the forward kept, never silent', () => {
    const parts = parseLinuxRuleset(
      nat(`iifname $WAN tcp dport 25 dnat to tcp dport map @missing
    iifname $NOWHERE tcp dport 26 dnat to 10.0.0.4
    iifname $WAN tcp dport 2222 redirect to :22`),
    );
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '25-25', null, '25-25', null, null],
      ['static', 'tcp', '26-26', '10.0.0.4', '26-26', null, null],
    ]);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['NFT_VARIABLE_UNDEFINED', 'line 12'],
      ['NFT_RULE_NOT_UNDERSTOOD', 'line 11'],
      ['NFT_REDIRECT_TO_ROUTER', 'line 13'],
    ]);
  });

  it('without a masquerade rule naming the WAN, DNAT rules bound to interfaces are kept, and that is said', () => {
    const parts = parseLinuxRuleset(`table ip nat {
  chain prerouting { type nat hook prerouting priority dstnat;
    iifname "br0" udp dport 53 dnat to 192.168.100.1:53
  }
  chain postrouting { type nat hook postrouting priority srcnat; ip saddr 192.168.100.0/24 masquerade }
}`);
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'udp', '53-53', '192.168.100.1', '53-53', null, null],
    ]);
    expect(parts.warnings.map((w) => w.code)).toEqual(['LINUX_WAN_UNKNOWN']);
    expect(parts.warnings[0]?.message).toContain('br0');
  });

  it('nft -j: the same rule for DNAT rules bound to an interface (the lab box over SSH)', () => {
    const doc = JSON.parse(read('nft-lab-capture.json')) as { nftables: Record<string, unknown>[] };
    const noMasquerade = doc.nftables.filter((item) => !JSON.stringify(item).includes('"masquerade"'));
    expect(noMasquerade.length).toBe(doc.nftables.length - 1);
    const parts = parseLinuxRuleset(JSON.stringify({ nftables: noMasquerade }));
    expect(parts.warnings.map((w) => w.code)).toContain('LINUX_WAN_UNKNOWN');
    expect(parts.warnings.find((w) => w.code === 'LINUX_WAN_UNKNOWN')?.message).toContain('bxgww');
  });

  it('a DNAT to the router itself (loopback) is remote administration from the Internet', () => {
    const parts = parseLinuxRuleset(nat('iifname $WAN tcp dport 2222 dnat to 127.0.0.1:22'));
    expect(parts.remoteAdmin?.services).toContainEqual({
      service: 'port-forward',
      port: 22,
      wan: true,
      restrictedTo: null,
    });
  });

  it('SSH from the input chain: closed, open, restricted to a source, or unknown (never a guess)', () => {
    const input = (rules: string, policy = 'drop') => `flush ruleset
table inet filter {
  chain input { type filter hook input priority 0; policy ${policy};
    ${rules}
  }
  chain a { jump b }
  chain b { jump a }
}
table ip nat { chain postrouting { type nat hook postrouting priority 100; oifname "ppp0" masquerade } }`;
    const ssh = (text: string) => parseLinuxRuleset(text).remoteAdmin?.services[0];
    expect(ssh(input('iifname "lan0" tcp dport 22 accept'))).toMatchObject({ wan: false });
    expect(ssh(input('tcp dport { 22, 443 } accept'))).toMatchObject({ wan: true, restrictedTo: null });
    expect(ssh(input('ip saddr 198.51.100.0/24 tcp dport 22 accept'))).toMatchObject({
      wan: true,
      restrictedTo: '198.51.100.0/24',
    });
    expect(ssh(input('iifname "ppp0" drop', 'accept'))).toMatchObject({ wan: false });
    expect(ssh(input('iifname "ppp0" tcp dport 22 meta skuid 0 accept'))).toMatchObject({ wan: null });
    // a jump loop is bounded and gives "unknown", with a warning
    const looped = parseLinuxRuleset(input('jump a\n    tcp dport 22 accept'));
    expect(looped.remoteAdmin?.services[0]?.wan).toBeNull();
    expect(looped.warnings.map((w) => w.code)).toContain('LINUX_INPUT_UNDECIDED');
  });

  it('jumps that fan out at every level are bounded: the answer is unknown, not a hang', () => {
    const levels = Array.from(
      { length: 15 },
      (_, i) => `chain c${i} { ${Array.from({ length: 10 }, () => `jump c${i + 1}`).join('\n')} }`,
    ).join('\n');
    const text = `flush ruleset\ntable inet f {\n${levels}\nchain c15 { counter }\nchain input { type filter hook input priority 0; policy accept;\njump c0\n} }`;
    expect(parseLinuxRuleset(text).remoteAdmin?.services[0]?.wan).toBeNull();
  });

  it('hostile text: unbalanced braces, huge sets, variables defined by themselves: no crash, no hang', () => {
    const big = `table ip nat { chain p { type nat hook prerouting priority 0; tcp dport { ${Array.from({ length: 20000 }, (_, i) => i + 1).join(', ')} } dnat to 10.0.0.1 } }`;
    expect(parseLinuxRuleset(big).forwards.length).toBe(20000);
    for (const text of [
      `table ip x {${'{'.repeat(50000)}`,
      'define A = $A\ntable ip x { chain c { iifname $A accept } }',
      '}\n}}\ntable ip nat { chain c { type nat hook prerouting priority 0; tcp dport 1 dnat to 10.0.0.1 } }\n}',
      `table ip x { chain c { ${'ip saddr . '.repeat(5000)} accept } }`,
    ]) {
      expect(() => parseLinuxRuleset(text)).not.toThrow();
    }
  });
});

describe('linux: iptables-save and nft -j find the WAN from the masquerade rule (issue 10)', () => {
  it('reads `--to` (iptables accepts the abbreviation of --to-destination)', () => {
    const parts = parseLinuxRuleset(`*nat
-A PREROUTING -i eth0 -p tcp -m tcp --dport 443 -j DNAT --to 192.168.1.10:443
-A POSTROUTING -o eth0 -j MASQUERADE
COMMIT`);
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '443-443', '192.168.1.10', '443-443', null, null],
    ]);
    expect(parts.warnings).toEqual([]);
  });

  it('a DNAT on another interface than the masqueraded one is not listed, with a warning', () => {
    const parts = parseLinuxRuleset(`*nat
-A PREROUTING -i br-lan -p udp --dport 53 -j DNAT --to-destination 192.168.1.1
-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 192.168.1.20
-A POSTROUTING -o ppp0 -j MASQUERADE
COMMIT`);
    expect(parts.forwards.map(row)).toEqual([
      ['static', 'tcp', '80-80', '192.168.1.20', '80-80', null, null],
    ]);
    expect(parts.warnings.map((w) => [w.code, w.where])).toEqual([
      ['LINUX_DNAT_NOT_WAN', 'iptables-save line 2'],
    ]);
    // no filter table in the dump: remote administration is not visible, not "closed"
    expect(parts.remoteAdmin).toBeNull();
  });
});

describe('linux: nftables text expansion is bounded', () => {
  it('variables that double at every level stop at the expansion budget, with a warning', () => {
    const defs = Array.from({ length: 40 }, (_, i) => `define V${i + 1} = { $V${i}, $V${i} }`).join('\n');
    const rules = Array.from({ length: 200 }, () => 'ip saddr $V40 accept').join('\n');
    const text = `define V0 = 10.0.0.1\n${defs}\ntable ip f { chain input { type filter hook input priority 0;\n${rules}\n} }`;
    const parts = parseLinuxRuleset(text);
    expect(parts.warnings.map((w) => w.code)).toContain('NFT_TEXT_TOO_LARGE');
    expect(parts.coverage.find((c) => c.area === 'static-forwards')?.status).toBe('partial');
  });
});

describe('linux: nft -j input chain (issue 10)', () => {
  const chain = (name: string, extra: Record<string, unknown> = {}) => ({
    chain: { family: 'inet', table: 'filter', name, handle: 1, ...extra },
  });
  const rule = (chainName: string, handle: number, expr: unknown[]) => ({
    rule: { family: 'inet', table: 'filter', chain: chainName, handle, expr },
  });
  const meta = (key: string, right: unknown, op = '==') => ({
    match: { op, left: { meta: { key } }, right },
  });
  const dport = (port: unknown) => ({
    match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: port },
  });
  const doc = (...rules: unknown[]) =>
    JSON.stringify({
      nftables: [
        { metainfo: { json_schema_version: 1 } },
        chain('input', { type: 'filter', hook: 'input', prio: 0, policy: 'drop' }),
        chain('from_lan'),
        chain('postrouting', { type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' }),
        rule('postrouting', 9, [meta('oifname', 'ppp0'), { masquerade: null }]),
        rule('input', 2, [
          {
            vmap: {
              key: { ct: { key: 'state' } },
              data: {
                set: [
                  ['established', { accept: null }],
                  ['invalid', { drop: null }],
                ],
              },
            },
          },
        ]),
        ...rules,
      ],
    });
  const ssh = (text: string) => parseLinuxRuleset(text).remoteAdmin?.services[0]?.wan;

  it('decides SSH from the WAN named by the masquerade rule', () => {
    expect(
      ssh(
        doc(
          rule('input', 3, [meta('iifname', 'lan0'), { jump: { target: 'from_lan' } }]),
          rule('from_lan', 4, [dport(22), { accept: null }]),
        ),
      ),
    ).toBe(false);
    expect(ssh(doc(rule('input', 3, [dport({ set: [22, 443] }), { accept: null }])))).toBe(true);
    expect(ssh(doc(rule('input', 3, [meta('iifname', 'lan0', '!='), dport(22), { accept: null }])))).toBe(
      true,
    );
    expect(
      ssh(
        doc(
          rule('input', 3, [
            {
              vmap: {
                key: { meta: { key: 'iifname' } },
                data: { set: [['ppp0', { jump: { target: 'from_lan' } }]] },
              },
            },
          ]),
          rule('from_lan', 4, [dport(22), { accept: null }]),
        ),
      ),
    ).toBe(true);
  });

  it('a condition it does not know that could open SSH makes the answer unknown, with a warning', () => {
    const parts = parseLinuxRuleset(
      doc(
        rule('input', 3, [
          { match: { op: '==', left: { osf: { key: 'name' } }, right: 'Linux' } },
          { accept: null },
        ]),
      ),
    );
    expect(parts.remoteAdmin?.services[0]?.wan).toBeNull();
    expect(parts.warnings.map((w) => w.code)).toContain('LINUX_INPUT_UNDECIDED');
  });
});

describe('linux: nftables text review findings (fail closed, never silent)', () => {
  const nat = (rules: string, post = 'oifname "ppp0" masquerade') => `flush ruleset
table ip nat {
  chain prerouting { type nat hook prerouting priority -100;
    ${rules}
  }
  chain postrouting { type nat hook postrouting priority 100; ${post} }
}`;
  const fwdCover = (p: ReturnType<typeof parseLinuxRuleset>) =>
    p.coverage.find((c) => c.area === 'static-forwards')?.status;
  const codes = (p: ReturnType<typeof parseLinuxRuleset>) => p.warnings.map((w) => w.code);

  it('a negated port is every port but that one: listed as all ports with a warning, like nft -j and iptables', () => {
    const p = parseLinuxRuleset(nat('tcp dport != 22 dnat to 10.0.0.2'));
    expect(p.forwards.map(row)).not.toContainEqual([
      'static',
      'tcp',
      '22-22',
      '10.0.0.2',
      '22-22',
      null,
      null,
    ]);
    expect(p.forwards.map((f) => [f.protocol, f.externalPort])).toEqual([['tcp', { start: 1, end: 65535 }]]);
    expect(codes(p)).toContain('NFT_RULE_NOT_UNDERSTOOD');
    expect(fwdCover(p)).toBe('partial');
  });

  it('a port in an unknown @set or an empty {} is not "no port": the rule is kept, not understood', () => {
    const p = parseLinuxRuleset(nat('iifname "ppp0" tcp dport @nope dnat to 10.0.0.3'));
    expect(p.forwards.map((f) => f.internalHost)).toEqual(['10.0.0.3']);
    expect(codes(p)).toContain('NFT_RULE_NOT_UNDERSTOOD');
    expect(fwdCover(p)).toBe('partial');
    const empty = parseLinuxRuleset(nat('tcp dport { } dnat to 10.0.0.4'));
    expect(empty.forwards.map((f) => f.internalHost)).toContain('10.0.0.4');
    expect(fwdCover(empty)).toBe('partial');
  });

  it('an input rule on an unknown @set answers unknown, not "SSH closed"', () => {
    const text = `flush ruleset
table inet filter { chain input { type filter hook input priority 0; policy drop;
  tcp dport @admin accept
} }
${nat('', 'oifname "ppp0" masquerade')}`;
    const p = parseLinuxRuleset(text);
    expect(p.remoteAdmin?.services[0]).toMatchObject({ port: 22, wan: null });
    expect(codes(p)).toContain('LINUX_INPUT_UNDECIDED');
  });

  it('a list cut at the expansion cap says so (NFT_TEXT_TOO_LARGE, partial)', () => {
    const ports = Array.from({ length: 40_000 }, (_, i) => i + 1).join(', ');
    const p = parseLinuxRuleset(nat(`tcp dport { ${ports} } dnat to 10.0.0.2`));
    expect(codes(p)).toContain('NFT_TEXT_TOO_LARGE');
    expect(fwdCover(p)).toBe('partial');
    expect(p.dmz?.enabled).toBeNull();
  });

  it('a rule not understood after 200 other warnings still makes the coverage partial', () => {
    const noise = Array.from(
      { length: 210 },
      (_, i) => `tcp dport ${1000 + i} redirect to :${2000 + i}`,
    ).join('\n');
    const p = parseLinuxRuleset(nat(`${noise}\ntcp dport 9 dnat to no-such-target`));
    expect(codes(p)).toHaveLength(200);
    expect(codes(p)).not.toContain('NFT_RULE_NOT_UNDERSTOOD'); // past the warning cap
    expect(fwdCover(p)).toBe('partial');
  });

  it('map entries written without spaces (80:10.0.0.2) are read; an unreadable entry is never dropped silently', () => {
    const p = parseLinuxRuleset(
      nat('dnat to tcp dport map { 80:10.0.0.2, 443 : 10.0.0.3, 8080-8090:10.0.0.4:80 }'),
    );
    expect(p.forwards.map((f) => [f.externalPort?.start, f.internalHost, f.internalPort?.start])).toEqual([
      [80, '10.0.0.2', 80],
      [443, '10.0.0.3', 443],
      [8080, '10.0.0.4', 80],
    ]);
    expect(fwdCover(p)).toBe('complete');
    const bad = parseLinuxRuleset(nat('dnat to tcp dport map { http-alt=10.0.0.2, 443 : 10.0.0.3 }'));
    expect(codes(bad)).toContain('NFT_RULE_NOT_UNDERSTOOD');
    expect(fwdCover(bad)).toBe('partial');
    const vmap = parseLinuxRuleset(`flush ruleset
table inet filter { chain input { type filter hook input priority 0; policy drop;
  tcp dport vmap { 22:accept }
} }
${nat('', 'oifname "ppp0" masquerade')}`);
    expect(vmap.remoteAdmin?.services[0]).toMatchObject({ port: 22, wan: true });
  });

  it('an undefined $variable in a masquerade rule does not become the WAN name', () => {
    const p = parseLinuxRuleset(
      nat('iifname "ppp0" tcp dport 22 dnat to 10.0.0.2', 'oifname $WAN masquerade'),
    );
    expect(p.forwards.map((f) => [f.protocol, f.externalPort?.start, f.internalHost])).toEqual([
      ['tcp', 22, '10.0.0.2'],
    ]);
    expect(codes(p)).toContain('LINUX_WAN_UNKNOWN');
    expect(codes(p)).not.toContain('LINUX_DNAT_NOT_WAN');
  });

  it('"drop everyone except X" is not "drop everyone": SSH is undecided', () => {
    const text = `flush ruleset
table inet filter { chain input { type filter hook input priority 0; policy accept;
  ip saddr != 203.0.113.5 tcp dport 22 drop
} }
${nat('', 'oifname "ppp0" masquerade')}`;
    expect(parseLinuxRuleset(text).remoteAdmin?.services[0]).toMatchObject({ port: 22, wan: null });
  });

  it('blank lines do not make the format detection quadratic (300 000 lines)', () => {
    const text = `x${'\n'.repeat(300_000)}y`;
    expect(() => parseLinuxRuleset(text)).toThrow(/neither/);
  });
});
