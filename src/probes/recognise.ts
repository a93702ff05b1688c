/** What a peer's first bytes say it is, when it is not what the probe expected. Data only. */

/** The service a reply's first bytes belong to, or null when unrecognised. */
export function recogniseService(bytes: Uint8Array): string | null {
  const b = Buffer.from(bytes);
  if (b.length === 0) return null;
  const head = b.subarray(0, 16).toString('latin1');
  if (head.startsWith('SSH-')) return 'ssh';
  if (head.startsWith('HTTP/')) return 'http';
  if (head.startsWith('RFB ')) return 'vnc';
  if (/^220[ -]/.test(head)) return 'ftp-or-smtp';
  if (b[0] === 0xff && b.length >= 2 && b[1]! >= 0xfb && b[1]! <= 0xfe) return 'telnet';
  if (b.length >= 8 && b[0] === 0x00 && (head.slice(4, 8) === '\xfeSMB' || head.slice(4, 8) === '\xffSMB')) {
    return 'smb';
  }
  if (b.length >= 5 && b[0] === 0x03 && b[1] === 0x00 && (b[5] ?? 0) >> 4 === 0xd) return 'rdp';
  if (b.length >= 6 && (b[0] === 0x02 || b[0] === 0x03 || b[0] === 0x07) && b[1] === 0x00) {
    const length = b.readUInt32BE(2);
    if ((b[0] === 0x02 && length >= 68 && length < 1 << 20) || (b[0] !== 0x02 && length === 4))
      return 'dicom';
  }
  if (
    b.length >= 6 &&
    b[3] === 0x00 &&
    b[4] === 0x0a &&
    b.readUIntLE(0, 3) < 1024 &&
    /^\d/.test(head.slice(5))
  ) {
    return 'mysql';
  }
  if (b[0] === 0x16 && b[1] === 0x03) return 'tls';
  if (b[0] === 0x15 && b[1] === 0x03) return 'tls';
  return null;
}
