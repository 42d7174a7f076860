/** Reads which finding codes a source file emits, for the "every code is emitted" test of the catalogue. */
import ts from 'typescript';

/**
 * The finding codes a source file emits, read from its syntax: string literals in the first argument
 * of finding() or of a local wrapper that passes its first parameter on to finding() (through ?: and
 * a variable initialised in the same file), and the \`code\` of an object literal (a finding or rule
 * built in place). A code that is only a key, a list or a set member, or compared against, is not emitted.
 */
export function emittedCodes(text: string, file = 'snippet.ts'): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const nodes: ts.Node[] = [];
  const visit = (n: ts.Node): void => {
    nodes.push(n);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  const isCall = (n: ts.Node, name: string): n is ts.CallExpression =>
    ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name;
  const initOf = new Map<string, ts.Expression>();
  for (const n of nodes)
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) initOf.set(n.name.text, n.initializer);
  // finding() itself, and functions whose first parameter goes straight into finding().
  const makers = new Set(['finding']);
  for (const [name, init] of initOf) {
    if (!ts.isArrowFunction(init) && !ts.isFunctionExpression(init)) continue;
    const p = init.parameters[0]?.name;
    const forwards = (n: ts.Node): boolean =>
      (isCall(n, 'finding') && p !== undefined && ts.isIdentifier(p) && n.arguments[0]?.getText() === p.text) ||
      (ts.forEachChild(n, forwards) ?? false);
    if (forwards(init.body)) makers.add(name);
  }
  const literals = (e: ts.Expression | undefined, seen = new Set<string>()): string[] => {
    if (!e) return [];
    if (ts.isStringLiteral(e)) return [e.text];
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return literals(e.expression, seen);
    if (ts.isConditionalExpression(e)) return [...literals(e.whenTrue, seen), ...literals(e.whenFalse, seen)];
    if (ts.isIdentifier(e) && !seen.has(e.text)) return literals(initOf.get(e.text), seen.add(e.text));
    return [];
  };
  const out: string[] = [];
  for (const n of nodes) {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && makers.has(n.expression.text))
      out.push(...literals(n.arguments[0]));
    if (
      ts.isPropertyAssignment(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === 'code' &&
      ts.isObjectLiteralExpression(n.parent)
    )
      out.push(...literals(n.initializer));
  }
  return out;
}
