import { VERSION } from '../version.js';

// Placeholder until the commands land; kept tiny so `--version` starts fast.
const args = process.argv.slice(2);
if (args.includes('--version') || args.includes('-v')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  process.stderr.write('boxaudit: commands are not implemented yet\n');
  process.exitCode = 2;
}
