import { discover } from '../../discovery/ssdp.js';
import { BoxauditError } from '../../errors.js';
import { escapeJsonText } from '../../reporters/sanitize.js';
import { SCHEMA_VERSION } from '../../version.js';
import { intOption, type ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { outputFormat } from '../output.js';
import { limitOptions } from '../target.js';

/** `boxaudit discover`: which internet boxes answer SSDP. Exit 0 when one answered, 1 when none did. */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length > 0) {
    throw new BoxauditError('BOXAUDIT_USAGE', `discover: unexpected argument "${positionals[0]}"`);
  }
  const format = outputFormat(options, ['text', 'json']);
  const timeoutMs = intOption(options, 'timeout', 3000);
  ctx.progress(
    options.gateway ? `asking ${options.gateway} (unicast SSDP)…` : 'searching for internet boxes (SSDP)…',
  );
  const result = await discover({
    ...(options.gateway ? { gateway: options.gateway, multicast: false } : {}),
    ...(options.interface ? { interfaces: options.interface } : {}),
    ...(options['allow-foreign-location'] ? { allowForeignLocation: true } : {}),
    timeoutMs,
    ...(options['max-ssdp-answers'] ? { maxAnswers: limitOptions(options).maxSsdpAnswers } : {}),
    ...(options['max-descriptions'] ? { maxGateways: limitOptions(options).maxDescriptions } : {}),
    signal: ctx.signal,
    log: ctx.progress,
  });
  if (format === 'json') {
    ctx.out(`${escapeJsonText(JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...result }, null, 2))}\n`);
  } else {
    const lines: string[] = [];
    for (const g of result.gateways) {
      lines.push(`${g.address}  ${g.location}`);
      lines.push(
        `    ${g.st}${g.server ? `  (${g.server})` : ''}  via ${g.via}${g.interface ? ` on ${g.interface}` : ''}`,
      );
    }
    if (result.gateways.length === 0) {
      lines.push(`No internet box answered within ${timeoutMs} ms.`);
      lines.push(
        'That does not mean nothing is exposed: UPnP may be off. Try --gateway HOST, or --vendor ID --host HOST.',
      );
    }
    for (const w of result.warnings) lines.push(`warning: ${w.message}`);
    // SSDP answers (address, LOCATION, SERVER) are the box's words: one neutralised line each.
    for (const line of lines) ctx.outLine(line);
  }
  return result.gateways.length > 0 ? 0 : 1;
}
