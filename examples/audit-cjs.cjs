// @ts-check
/**
 * Minimal audit of a saved configuration (CommonJS).
 *
 *   node examples/audit-cjs.cjs [CONFIG_FILE]
 *
 * Same as audit-esm.mjs, with `require('boxaudit')`: both load the same single copy of the code.
 */
const { join } = require('node:path');
const { audit, isBoxauditError } = require('boxaudit');

const file =
  process.argv[2] ?? join(__dirname, '..', 'test', 'fixtures', 'configs', 'openwrt', 'etc-config-firewall');

audit({ file }, { failOn: 'high' }).then(
  (report) => {
    const { counts, exitCode, inconclusive, forwardsChecked, coverageGaps } = report.summary;
    console.log(
      `exit=${exitCode} forwards=${forwardsChecked} critical=${counts.critical} high=${counts.high} ` +
        `medium=${counts.medium} low=${counts.low} info=${counts.info} inconclusive=${inconclusive} coverageGaps=${coverageGaps}`,
    );
    for (const finding of report.findings) {
      console.log(`${finding.status}\t${finding.severity}\t${finding.ruleId}\t${finding.title.en}`);
    }
    process.exitCode = exitCode;
  },
  (error) => {
    console.error(isBoxauditError(error) ? `${error.code}: ${error.message}` : error);
    process.exitCode = 2;
  },
);
