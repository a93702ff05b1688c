// Module hooks for record-loads.mjs (they run off the main thread; the file is the way out).
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  const file = process.env.BOXAUDIT_RECORD_LOADS;
  if (file && url.startsWith('file:')) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
