// Reads the renderer's sources with the TypeScript parser: the translation keys they use (t('…'),
// msg('…')) and the English a user would see that bypasses t() (JSX text, string branches of JSX
// expressions, visible attributes).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const RENDERER = path.resolve(import.meta.dirname, '../../src-renderer');

export function rendererFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(path.relative(RENDERER, p).split(path.sep).join('/'));
    }
  };
  walk(RENDERER);
  return out.sort();
}

/**
 * Where translation keys are written: every renderer file, and the shared and core files that
 * mark English templates with msg() (messages the core sends with their key and values).
 */
export function keyFiles(): string[] {
  const marked: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && /\bmsg\(/.test(readFileSync(p, 'utf8'))) marked.push(path.relative(RENDERER, p).split(path.sep).join('/'));
    }
  };
  for (const dir of ['../shared', '../src-main/core']) walk(path.resolve(RENDERER, dir));
  return [...rendererFiles(), ...marked.sort()];
}

/** Every renderer file but the translations' own (whose names of languages are shown as they are). */
export const convertedFiles = () => rendererFiles().filter((f) => !f.startsWith('i18n/'));

function parse(file: string, text = readFileSync(path.join(RENDERER, file), 'utf8')): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
}

const literal = (n: ts.Node | undefined): string | null => (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : null);

export type KeyUse = { key: string; plural: boolean; where: string };

/** Every literal key passed to t(), i18n.t() or msg(); `plural` when the options carry `count`. */
export function keysUsed(file: string): KeyUse[] {
  const src = parse(file);
  const uses: KeyUse[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isCallExpression(n)) {
      const callee = n.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const key = literal(n.arguments[0]);
      if ((name === 't' || name === 'msg') && key !== null) {
        const options = n.arguments[1];
        const plural = !!options && ts.isObjectLiteralExpression(options) && options.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'count');
        uses.push({ key, plural, where: `${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}` });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return uses;
}

const LETTERS = /\p{L}/u;
// Words that read the same in every language (names of streams, protocols, programs).
const VERBATIM = new Set(['stdout', 'stderr', 'SSH', 'SQL', 'DNS', 'TTL', 'NULL', 'JSON', 'CSV', 'FTP', 'TLS', 'HTTP', 'HTTPS', 'PHP', 'FPM', 'nginx', 'cron', 'MySQL', 'MariaDB', 'Hostdeck', 'ID', 'IP', 'WHERE', 'DEFAULT', 'WITH', 'GRANT', 'OPTION', 'SHOW', 'GRANTS', 'RFC', 'systemd', 'A', 'AAAA', 'MX', 'TXT', 'CNAME', 'NS', 'SOA', 'SRV', 'CAA', 'PTR', 'uname', 'uptime', 'www', 'php', 'fpm', 'Cron']);
// A command line shown as such (<code>, <kbd>, <pre>) is not translated either.
const CODE = new Set(['code', 'kbd', 'pre', 'samp']);
const shows = (text: string) => LETTERS.test(text) && !(text.match(/\p{L}+/gu) ?? []).every((w) => w.length === 1 || VERBATIM.has(w));
const inCode = (n: ts.Node): boolean => {
  const element = n.parent;
  return ts.isJsxElement(element) && CODE.has(element.openingElement.tagName.getText());
};
const VISIBLE_ATTRIBUTES = new Set(['title', 'placeholder', 'aria-label', 'alt', 'label', 'hint']);

/** English shown to the user without t(): JSX text, literals that JSX expressions render, visible attributes. */
export function untranslated(file: string, text?: string): string[] {
  const src = parse(file, text);
  const found: string[] = [];
  const report = (n: ts.Node, text: string) => found.push(`${file}:${src.getLineAndCharacterOfPosition(n.getStart()).line + 1}: ${JSON.stringify(text.trim().slice(0, 60))}`);
  // Literals an expression evaluates to (through ?:, &&, ||, ??, parentheses), not those passed to calls.
  const rendered = (e: ts.Expression): void => {
    if (ts.isParenthesizedExpression(e)) return rendered(e.expression);
    if (ts.isConditionalExpression(e)) return (rendered(e.whenTrue), rendered(e.whenFalse));
    if (ts.isBinaryExpression(e) && [ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken].includes(e.operatorToken.kind)) return (rendered(e.left), rendered(e.right));
    const text = literal(e);
    if (text !== null && shows(text)) report(e, text);
    if (ts.isTemplateExpression(e)) {
      const parts = [e.head.text, ...e.templateSpans.map((s) => s.literal.text)].join(' ');
      if (shows(parts)) report(e, parts);
    }
  };
  const visit = (n: ts.Node) => {
    if (ts.isJsxText(n) && shows(n.text) && !inCode(n)) report(n, n.text);
    else if (ts.isJsxExpression(n) && n.expression && (ts.isJsxElement(n.parent) || ts.isJsxFragment(n.parent)) && !inCode(n)) rendered(n.expression);
    else if (ts.isJsxAttribute(n) && VISIBLE_ATTRIBUTES.has(n.name.getText(src)) && n.initializer) {
      if (ts.isStringLiteral(n.initializer)) rendered(n.initializer);
      else if (ts.isJsxExpression(n.initializer) && n.initializer.expression) rendered(n.initializer.expression);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}
