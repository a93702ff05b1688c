/**
 * Is this the standalone program (a Node single-executable application made by `npm run build:exe`)
 * rather than `node …/main.js` or `npx boxaudit`? Asked through `process.getBuiltinModule`: a
 * static or dynamic `import('node:sea')` would be rewritten by the bundler for the Node 20 target.
 */
export function isStandalone(): boolean {
  try {
    const load = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
    const sea = load?.('node:sea') as { isSea?: () => boolean } | undefined;
    return sea?.isSea?.() === true;
  } catch {
    return false;
  }
}
