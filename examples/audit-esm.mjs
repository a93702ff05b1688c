// @ts-check
/**
 * Minimal audit of a saved configuration (ESM).
 *
 *   node examples/audit-esm.mjs [CONFIG_FILE]
 *
 * Reads the exported configuration offline (nothing is sent on the network), prints the summary
 * and one line per finding, and exits with the report's exit code (0 clean, 1 findings at or above
 * `high`, 2 incomplete read or error).
 */
import { fileURLToPath } from 'node:url';
import { audit, isBoxauditError } from 'boxaudit';

const file =
  process.argv[2] ??
  fileURLToPath(new URL('../test/fixtures/configs/openwrt/etc-config-firewall', import.meta.url));

try {
  const report = await audit({ file }, { failOn: 'high' });
  const { counts, exitCode, inconclusive, forwardsChecked, coverageGaps } = report.summary;
  console.log(
    `exit=${exitCode} forwards=${forwardsChecked} critical=${counts.critical} high=${counts.high} ` +
      `medium=${counts.medium} low=${counts.low} info=${counts.info} inconclusive=${inconclusive} coverageGaps=${coverageGaps}`,
  );
  for (const finding of report.findings) {
    console.log(`${finding.status}\t${finding.severity}\t${finding.ruleId}\t${finding.title.en}`);
  }
  process.exitCode = exitCode;
} catch (error) {
  // A BoxauditError has a stable code (BOXAUDIT_FILE_UNREADABLE, BOXAUDIT_FORMAT_UNKNOWN…).
  console.error(isBoxauditError(error) ? `${error.code}: ${error.message}` : error);
  process.exitCode = 2;
}
