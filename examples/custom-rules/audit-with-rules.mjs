// @ts-check
/**
 * Audit with a custom rule pack: clinic.rules.json extends the `health` profile, raises the UPnP
 * rule (BOX-NET-002) to high, and waives one known Orthanc forward until 2027-03-31.
 *
 *   node examples/custom-rules/audit-with-rules.mjs [CONFIG_FILE] [--now DATE]
 *
 * `--now` evaluates the waiver at another date (to see it expire). After its `expires` day the
 * waiver no longer applies: the finding is back and the waiver is listed as expired.
 * Check the pack first: `npx boxaudit rules validate examples/custom-rules/clinic.rules.json`.
 */
import { fileURLToPath } from 'node:url';
import { audit, isBoxauditError } from 'boxaudit';

const args = process.argv.slice(2);
const nowAt = args.indexOf('--now');
const now = nowAt >= 0 ? args[nowAt + 1] : undefined;
if (nowAt >= 0) args.splice(nowAt, 2);
const file =
  args[0] ??
  fileURLToPath(new URL('../../test/fixtures/configs/openwrt/etc-config-firewall', import.meta.url));
const rules = fileURLToPath(new URL('./clinic.rules.json', import.meta.url));

try {
  const report = await audit({ file }, { rules, failOn: 'high', ...(now ? { now } : {}) });
  for (const finding of report.findings) {
    const changed = finding.adjustments?.length
      ? ` (${finding.adjustments.map((a) => a.reason).join('; ')})`
      : '';
    console.log(`${finding.status}\t${finding.severity}\t${finding.ruleId}${changed}`);
  }
  for (const waived of report.waived) {
    console.log(
      `waived\t${waived.severity}\t${waived.ruleId}\tuntil ${waived.waiver.expires}: ${waived.waiver.reason}`,
    );
  }
  for (const expired of report.summary.expiredWaivers) {
    console.log(`EXPIRED WAIVER\t${expired.rule}\texpired ${expired.expires}: ${expired.reason}`);
  }
  console.log(
    `exit=${report.summary.exitCode} waived=${report.summary.waived} expiredWaivers=${report.summary.expiredWaivers.length}`,
  );
  process.exitCode = report.summary.exitCode;
} catch (error) {
  // A broken pack: BOXAUDIT_CONFIG_INVALID, one line per problem in error.details.errors.
  console.error(isBoxauditError(error) ? `${error.code}: ${error.message}` : error);
  process.exitCode = 2;
}
