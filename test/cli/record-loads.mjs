// `node --import ./record-loads.mjs …`: appends the URL of every ES module loaded from a file to the
// file named by BOXAUDIT_RECORD_LOADS (test/cli/chunks.test.ts counts the files of dist/ a command loads).
import { register } from 'node:module';

register(new URL('./record-loads-hooks.mjs', import.meta.url));
