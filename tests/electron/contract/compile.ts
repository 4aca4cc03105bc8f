/**
 * Type-checks a snippet of TypeScript against the real contract with the project's compiler
 * settings, in memory (nothing is written into the shared tree).
 */

import { resolve } from 'node:path';
import ts from 'typescript';

const repoRoot = resolve(import.meta.dirname, '../../..');
const base = ts.getParsedCommandLineOfConfigFile(resolve(repoRoot, 'electron/tsconfig.json'), {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  },
});
if (!base) throw new Error('cannot read electron/tsconfig.json');

export const virtualFile = resolve(repoRoot, 'electron/__contract_check__.ts');

/** Returns the diagnostics' texts for `source` placed at electron/__contract_check__.ts. */
export function typeErrors(source: string): string[] {
  const options: ts.CompilerOptions = { ...base!.options, noEmit: true, composite: false, declaration: false, incremental: false };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => f === virtualFile || fileExists(f);
  host.readFile = (f) => (f === virtualFile ? source : readFile(f));
  host.getSourceFile = (f, lang, onError, create) =>
    f === virtualFile ? ts.createSourceFile(f, source, lang, true) : getSourceFile(f, lang, onError, create);
  const program = ts.createProgram([virtualFile], options, host);
  const file = program.getSourceFile(virtualFile);
  return [...program.getSemanticDiagnostics(file), ...program.getSyntacticDiagnostics(file)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
}

/** Names of the properties of an exported type of the contract (e.g. the methods of `Requests`). */
export function contractKeys(typeName: string): string[] {
  const source = `import type { ${typeName} } from './contract/index.js';\nexport type __T = ${typeName};\n`;
  const options: ts.CompilerOptions = { ...base!.options, noEmit: true, composite: false };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (f) => f === virtualFile || fileExists(f);
  host.readFile = (f) => (f === virtualFile ? source : readFile(f));
  host.getSourceFile = (f, lang, onError, create) =>
    f === virtualFile ? ts.createSourceFile(f, source, lang, true) : getSourceFile(f, lang, onError, create);
  const program = ts.createProgram([virtualFile], options, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(virtualFile)!;
  const alias = file.statements.find(ts.isTypeAliasDeclaration)!;
  return checker.getTypeAtLocation(alias.name).getProperties().map((p) => p.getName()).sort();
}
