/**
 * Every public export has a doc comment (issue 15, reference docs): the symbols that `boxaudit` and
 * `boxaudit/report` export (src/index.ts, src/report.ts), followed through re-exports to their
 * declarations, must carry a TSDoc comment (`/** … *\/`), as TypeDoc's `validation.notDocumented`
 * asks of `npm run docs:api` (typedoc.json, the same kinds: functions, classes, interfaces, type
 * aliases, variables, enums). This is the fast check inside `npm test`; TypeDoc itself runs in
 * `npm run docs:api:check`.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const ENTRIES = ['src/index.ts', 'src/report.ts'];

function undocumented(): string[] {
  const program = ts.createProgram(
    ENTRIES.map((e) => join(ROOT, e)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    },
  );
  const checker = program.getTypeChecker();
  const missing = new Set<string>();
  for (const entry of ENTRIES) {
    const file = program.getSourceFile(join(ROOT, entry))!;
    const module = checker.getSymbolAtLocation(file)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      for (const decl of symbol.getDeclarations() ?? []) {
        const where = decl.getSourceFile().fileName;
        if (!where.startsWith(join(ROOT, 'src'))) continue;
        // Variables carry their comment on the statement.
        const holder = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
        const docs = ts.getJSDocCommentsAndTags(holder).filter((d) => ts.isJSDoc(d));
        if (docs.length === 0) {
          const line = decl.getSourceFile().getLineAndCharacterOfPosition(decl.getStart()).line + 1;
          missing.add(`${exported.name} (${where.slice(ROOT.length + 1)}:${line})`);
        }
      }
    }
  }
  return [...missing].sort();
}

describe('public exports are documented', () => {
  it('every symbol exported by boxaudit and boxaudit/report has a doc comment', () => {
    expect(undocumented()).toEqual([]);
  }, 60_000);
});
