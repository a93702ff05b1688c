import { execFileSync } from 'node:child_process';

/** Tests import the built-in rules from source: generate them first, as `npm run build` does. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/gen-builtin-rules.mjs'], { stdio: 'inherit' });
}
