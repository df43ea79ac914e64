/**
 * The API report of the package's two entries (`sepm-crypto` = src/index.ts, `sepm-crypto/node`
 * = src/node/index.ts): every export with its kind and type, members of classes and interfaces,
 * sorted. Committed as `api/*.api.md`; test/misc/api-report.test.ts fails when the public surface
 * changes without the report, so every change of the surface shows in the diff.
 * Regenerate: `node --import tsx scripts/api-report.ts --write`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');

/** The entries and their report files. */
export const ENTRIES = [
  { entry: 'src/index.ts', name: 'sepm-crypto', report: 'api/sepm-crypto.api.md' },
  { entry: 'src/node/index.ts', name: 'sepm-crypto/node', report: 'api/sepm-crypto-node.api.md' },
] as const;

const FLAGS =
  ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function isReadonly(p: ts.Symbol): boolean {
  const d = p.declarations?.[0];
  if (d === undefined || !ts.canHaveModifiers(d)) return false;
  return ts.getModifiers(d)?.some((m) => m.kind === ts.SyntaxKind.ReadonlyKeyword) ?? false;
}

// Members declared by the type itself or its bases in this package (not Error's or Object's).
function ownMembers(type: ts.Type): ts.Symbol[] {
  return type
    .getProperties()
    .filter((p) => !p.getName().startsWith('#') && !p.getName().startsWith('__@'))
    .filter(
      (p) =>
        !(p.declarations ?? []).some((d) => d.getSourceFile().fileName.includes('/node_modules/')),
    );
}

function members(checker: ts.TypeChecker, type: ts.Type, at: ts.Node): string[] {
  return ownMembers(type)
    .map((p) => {
      const opt = p.flags & ts.SymbolFlags.Optional ? '?' : '';
      const ro = isReadonly(p) ? 'readonly ' : '';
      const t = checker.typeToString(checker.getTypeOfSymbolAtLocation(p, at), at, FLAGS);
      return `  ${ro}${p.getName()}${opt}: ${t};`;
    })
    .sort();
}

function describeSymbol(checker: ts.TypeChecker, exported: ts.Symbol): string {
  const name = exported.getName();
  const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const decl = sym.declarations?.[0];
  if (decl === undefined) return `${name}: unknown`;
  const f = sym.flags;
  if (f & ts.SymbolFlags.Class) {
    const inst = checker.getDeclaredTypeOfSymbol(sym) as ts.InterfaceType;
    const statics = checker.getTypeOfSymbolAtLocation(sym, decl);
    const bases = (checker.getBaseTypes(inst) ?? []).map((b) =>
      checker.typeToString(b, decl, FLAGS),
    );
    const ext = bases.length > 0 ? ` extends ${bases.join(', ')}` : '';
    const ctors = statics
      .getConstructSignatures()
      .map(
        (c) => `  constructor${checker.signatureToString(c, decl, FLAGS).replace(/: [^:]*$/, '')};`,
      );
    const stat = members(checker, statics, decl)
      .filter((m) => !m.includes(' prototype:'))
      .map((m) => `  static ${m.trimStart()}`);
    return [`class ${name}${ext} {`, ...ctors, ...stat, ...members(checker, inst, decl), '}'].join(
      '\n',
    );
  }
  if (f & ts.SymbolFlags.Interface) {
    const t = checker.getDeclaredTypeOfSymbol(sym);
    return [`interface ${name} {`, ...members(checker, t, decl), '}'].join('\n');
  }
  if (f & ts.SymbolFlags.TypeAlias) {
    const t = checker.getDeclaredTypeOfSymbol(sym);
    return `type ${name} = ${checker.typeToString(t, decl, FLAGS | ts.TypeFormatFlags.InTypeAlias)};`;
  }
  if (f & ts.SymbolFlags.Function) {
    const t = checker.getTypeOfSymbolAtLocation(sym, decl);
    return t
      .getCallSignatures()
      .map((s) => `function ${name}${checker.signatureToString(s, decl, FLAGS)};`)
      .join('\n');
  }
  const t = checker.getTypeOfSymbolAtLocation(sym, decl);
  return `const ${name}: ${checker.typeToString(t, decl, FLAGS)};`;
}

/** The reports of {@link ENTRIES}, as text. */
export function apiReports(): { report: string; text: string }[] {
  const program = ts.createProgram(
    ENTRIES.map((e) => join(ROOT, e.entry)),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      experimentalDecorators: true,
      types: ['node'],
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  return ENTRIES.map((e) => {
    const sf = program.getSourceFile(join(ROOT, e.entry))!;
    const mod = checker.getSymbolAtLocation(sf)!;
    const body = checker
      .getExportsOfModule(mod)
      .sort((a, b) => (a.getName() < b.getName() ? -1 : 1))
      .map((s) => describeSymbol(checker, s));
    const text = [
      `# API report: \`${e.name}\``,
      '',
      `Generated from \`${e.entry}\` by \`node --import tsx scripts/api-report.ts --write\`;`,
      '`test/misc/api-report.test.ts` keeps it equal to the code. Every export, sorted.',
      '',
      '```ts',
      ...body,
      '```',
      '',
    ].join('\n');
    return { report: e.report, text };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of apiReports()) {
    const path = join(ROOT, r.report);
    if (process.argv.includes('--write')) writeFileSync(path, r.text);
    else {
      let same = false;
      try {
        same = readFileSync(path, 'utf8') === r.text;
      } catch {
        // missing
      }
      console.log(`${r.report}: ${same ? 'up to date' : 'differs'}`);
    }
  }
}
