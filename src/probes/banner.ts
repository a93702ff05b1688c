/**
 * Banner probes: services that speak first. SSH (RFC 4253 4.2 identification string), FTP
 * (RFC 959 greeting reply) and Telnet (RFC 854 option negotiation, then the login text). These
 * probes send nothing at all: they connect, read the greeting within the bounds, and close.
 */
import { protocolError, runProbe } from './run.js';
import type { Framer } from './socket.js';
import { printable } from './text.js';
import type { ProbeOptions, ProbeResult } from './types.js';

/** RFC 4253: the identification line is at most 255 bytes; other lines may come first. */
const sshFramer: Framer = (buffer) => {
  let offset = 0;
  for (let line = 0; line < 16; line++) {
    const end = buffer.indexOf('\n', offset);
    if (end < 0) {
      if (buffer.length - offset > 255) throw protocolError('SSH', 'line longer than 255 bytes');
      return undefined;
    }
    if (buffer.subarray(offset, offset + 4).toString('latin1') === 'SSH-') return end + 1;
    offset = end + 1;
  }
  throw protocolError('SSH', 'no identification string within 16 lines');
};

/** SSH: the server's identification string (`SSH-2.0-OpenSSH_9.2p1 Debian-2`). */
export function probeSsh(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('ssh', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    const bytes = await socket.read(sshFramer);
    const text = bytes.toString('latin1');
    const line = text.slice(text.lastIndexOf('SSH-')).replace(/\r?\n$/, '');
    const match = /^SSH-([^-\s]{1,10})-(\S{1,200})(?: (.*))?$/.exec(line);
    if (!match) throw protocolError('SSH', 'malformed identification string');
    facts.sshProtocolVersion = printable(match[1]!, 10);
    facts.sshSoftware = printable(match[2]!, 100);
    facts.sshComments = match[3] === undefined ? null : printable(match[3], 100);
    return { status: 'confirmed', service: 'ssh', facts };
  });
}

/** FTP: reply lines until the last line of the greeting (`NNN text`), at most 32 lines. */
const ftpFramer: Framer = (buffer) => {
  let offset = 0;
  for (let line = 0; line < 32; line++) {
    const end = buffer.indexOf('\n', offset);
    if (end < 0)
      return buffer.length - offset > 1024 ? fail('FTP', 'line longer than 1024 bytes') : undefined;
    const text = buffer.subarray(offset, end).toString('latin1');
    if (line === 0 && !/^\d{3}[ -]/.test(text)) throw protocolError('FTP', 'greeting is not an FTP reply');
    if (/^\d{3}( |\r?$)/.test(text)) return end + 1;
    offset = end + 1;
  }
  return fail('FTP', 'greeting longer than 32 lines');
};

function fail(context: string, what: string): never {
  throw protocolError(context, what);
}

/** The password sent with `USER anonymous` in deep mode (RFC 1635 asks for an e-mail-like string; this one reaches no one). */
export const FTP_ANONYMOUS_PASSWORD = 'boxaudit-probe@invalid';

export interface FtpProbeOptions extends ProbeOptions {
  /**
   * Deep mode (`--probe deep`): after the greeting, try the anonymous login (`USER anonymous`,
   * `PASS boxaudit-probe@invalid`), then `QUIT` — no listing, no file read. Fact `anonymousLogin`.
   */
  deep?: boolean;
}

function replyCode(reply: Buffer): number {
  const lines = reply.toString('latin1').split(/\r?\n/).filter(Boolean);
  return Number(lines.at(-1)!.slice(0, 3));
}

/** FTP: the greeting's reply code and text. `confirmed` for any 1xx-5xx greeting (421 = busy/refused). */
export function probeFtp(host: string, port: number, options: FtpProbeOptions): Promise<ProbeResult> {
  return runProbe('ftp', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    const lines = (await socket.read(ftpFramer)).toString('utf8').split(/\r?\n/).filter(Boolean);
    facts.ftpReplyCode = Number(lines[0]!.slice(0, 3));
    facts.banner = printable(lines.map((l) => l.replace(/^\d{3}[ -]?/, '')).join(' '), 200);
    if (options.deep === true && facts.ftpReplyCode === 220) {
      await socket.write(Buffer.from('USER anonymous\r\n'));
      const user = replyCode(await socket.read(ftpFramer));
      let pass: number | null = null;
      if (user === 331) {
        await socket.write(Buffer.from(`PASS ${FTP_ANONYMOUS_PASSWORD}\r\n`));
        pass = replyCode(await socket.read(ftpFramer));
      }
      // 230 = logged in (USER alone or after PASS); 530/331-then-530 = refused.
      facts.anonymousLogin = user === 230 || pass === 230;
      facts.anonymousReplyCode = pass ?? user;
      await socket.write(Buffer.from('QUIT\r\n')).catch(() => {});
    }
    return { status: 'confirmed', service: 'ftp', facts };
  });
}

const IAC = 0xff;
const TELNET_COMMANDS: Record<number, string> = { 251: 'WILL', 252: 'WONT', 253: 'DO', 254: 'DONT' };

/** Split Telnet input into option negotiations (`DO 24`) and the text around them (RFC 854, 855). */
export function parseTelnet(bytes: Uint8Array): { negotiations: string[]; text: Buffer; complete: boolean } {
  const negotiations: string[] = [];
  const text: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    if (byte !== IAC) {
      text.push(byte);
      i++;
      continue;
    }
    const command = bytes[i + 1];
    if (command === undefined) return { negotiations, text: Buffer.from(text), complete: false };
    if (command === IAC) {
      text.push(IAC);
      i += 2;
    } else if (command >= 251 && command <= 254) {
      const option = bytes[i + 2];
      if (option === undefined) return { negotiations, text: Buffer.from(text), complete: false };
      if (negotiations.length < 32) negotiations.push(`${TELNET_COMMANDS[command]} ${option}`);
      i += 3;
    } else if (command === 250) {
      const end = Buffer.from(bytes).indexOf(Buffer.from([IAC, 240]), i + 2);
      if (end < 0) return { negotiations, text: Buffer.from(text), complete: false };
      i = end + 2;
    } else {
      i += 2;
    }
  }
  return { negotiations, text: Buffer.from(text), complete: true };
}

/** Telnet is complete once some text ends a line or a prompt (`login:`, `>`, `#`). */
const telnetFramer: Framer = (buffer) => {
  const parsed = parseTelnet(buffer);
  const text = parsed.text.toString('latin1');
  return parsed.complete && /[\n:>#$]\s*$/.test(text) && text.trim() !== '' ? buffer.length : undefined;
};

/**
 * Telnet: the options the server asks for and the first text it shows (login banner). Sends
 * nothing, so a server that waits for answers to its negotiations gives only those, after the
 * read timeout.
 */
export function probeTelnet(host: string, port: number, options: ProbeOptions): Promise<ProbeResult> {
  return runProbe('telnet', host, port, options, async (session) => {
    const facts = session.facts;
    const socket = await session.connect();
    const { bytes, error } = await socket.readAtMost(telnetFramer);
    if (bytes.length === 0) throw error ?? protocolError('Telnet', 'no greeting');
    const parsed = parseTelnet(bytes);
    if (parsed.negotiations.length === 0) {
      const text = parsed.text.toString('latin1');
      // Without any negotiation, only a plain-text greeting that is not another known service.
      if (/^(SSH-|HTTP\/|RFB |\d{3}[ -])/.test(text)) throw protocolError('Telnet', 'another service spoke');
    }
    facts.telnetNegotiations = parsed.negotiations;
    facts.banner = printable(parsed.text, 200);
    const prompt = /\b(login|username|user name|password)\s*:\s*$/i.test(parsed.text.toString('latin1'));
    if (parsed.negotiations.length === 0 && !prompt) return { status: 'different', service: null, facts };
    return { status: 'confirmed', service: 'telnet', facts };
  });
}
