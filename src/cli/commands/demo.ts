import { basename } from 'node:path';
import { buildReport } from '../../audit.js';
import { collect } from '../../collect.js';
import { DEMO_OFFICE } from '../../demo/demo-office.js';
import { startIgdSimulator } from '../../demo/igd-simulator.js';
import { BoxauditError } from '../../errors.js';
import { renderChunks } from '../../reporters/index.js';
import { loadRuleSet } from '../../rules/load.js';
import type { ParsedArgs } from '../args.js';
import type { CliContext } from '../context.js';
import { checkOpenOption, htmlTarget, writeHtml } from '../html-output.js';
import { failOnOption, nowOption, outputFormat, outputLang, renderOptions, rulesConfig } from '../output.js';
import { checkpoint } from '../signals.js';
import { isStandalone } from '../standalone.js';
import { checkOutputPath, writeChunks } from '../write.js';

/**
 * `boxaudit demo`: a complete audit of a simulated doctor's-office box, with no box and no network.
 * The simulated IGD listens on 127.0.0.1 only and is read by unicast (no SSDP, no multicast).
 * Exits 0 when the demo ran (the findings are the point of the demo, not a failure).
 */
export async function run({ options, positionals }: ParsedArgs, ctx: CliContext): Promise<number> {
  if (positionals.length > 0) {
    throw new BoxauditError('BOXAUDIT_USAGE', `demo: unexpected argument "${positionals[0]}"`);
  }
  const format = outputFormat(options, ['text', 'json', 'sarif', 'markdown', 'html']);
  checkOpenOption(options, format);
  const lang = outputLang(options, ctx);
  const failOn = failOnOption(options);
  const now = nowOption(options);
  const ruleSet = await loadRuleSet(rulesConfig(options), { signal: ctx.signal });
  const outputFile = format === 'html' ? htmlTarget(options) : undefined;
  if (outputFile !== undefined) await checkOutputPath(outputFile);
  const sim = await startIgdSimulator(DEMO_OFFICE);
  try {
    ctx.progress(
      `demo: simulated internet box at ${sim.descriptionUrl} (loopback only; nothing leaves this machine)`,
    );
    const { snapshots } = await collect(
      { upnp: sim.descriptionUrl },
      { signal: ctx.signal, log: ctx.progress },
    );
    await checkpoint(ctx, 'the demo');
    const report = buildReport(snapshots, ruleSet, { now: now ?? new Date(), failOn });
    await checkpoint(ctx, 'the demo');
    const chunks = renderChunks(report, renderOptions(format, lang, ruleSet.rules, options, ctx));
    if (format === 'html') await writeHtml(chunks, options, ctx);
    else await writeChunks(chunks, ctx.stdout, ctx.signal);
    if (format === 'text') {
      // The standalone program is run by its own name (docs/standalone.md), not through npx.
      const self = isStandalone() ? basename(process.execPath) : 'npx boxaudit';
      const note =
        lang === 'fr'
          ? `Ceci était une démonstration sur une box simulée. Pour vérifier votre propre box, lancez ${self} --lang fr sur un ordinateur du cabinet (un vrai audit se terminerait ici avec le code de sortie ${report.summary.exitCode}).`
          : `This was a demo on a simulated box. On your own network: ${self} (a real audit would exit ${report.summary.exitCode} here).`;
      // stderr: the report's last stdout line stays the status line
      ctx.warn('');
      ctx.warn(note);
      ctx.warn('');
    }
    return 0;
  } finally {
    await sim.close();
  }
}
