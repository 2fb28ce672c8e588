// A text file of the site in CodeMirror: highlighted by its extension where a language package
// exists (PHP, HTML, CSS, JavaScript/TypeScript, JSON, SQL), plain text otherwise. Ctrl/Cmd+S saves.
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { css } from '@codemirror/lang-css';
import { html } from '@codemirror/lang-html';
import { javascript } from '@codemirror/lang-javascript';
import { json } from '@codemirror/lang-json';
import { php } from '@codemirror/lang-php';
import { sql } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

const LANGUAGES: [RegExp, () => Extension, string][] = [
  [/\.(php|phtml|inc)$/i, () => php(), 'PHP'],
  [/\.html?$/i, () => html(), 'HTML'],
  [/\.css$/i, () => css(), 'CSS'],
  [/\.(m?js|cjs|jsx)$/i, () => javascript({ jsx: true }), 'JavaScript'],
  [/\.tsx?$/i, () => javascript({ typescript: true, jsx: true }), 'TypeScript'],
  [/\.json$/i, () => json(), 'JSON'],
  [/\.sql$/i, () => sql(), 'SQL'],
];

export function languageOf(name: string): { extension: Extension; label: string } {
  const found = LANGUAGES.find(([re]) => re.test(name));
  return found ? { extension: found[1](), label: found[2] } : { extension: [], label: 'Plain text' };
}

type Props = { name: string; text: string; onChange: (text: string) => void; onSave: () => void };

export function FileEditor({ name, text, onChange, onSave }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const latest = useRef({ onChange, onSave });
  latest.current = { onChange, onSave };

  useEffect(() => {
    const state = EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        languageOf(name).extension,
        Prec.highest(keymap.of([{ key: 'Mod-s', preventDefault: true, run: () => (latest.current.onSave(), true) }])),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.updateListener.of((u) => u.docChanged && latest.current.onChange(u.state.doc.toString())),
        EditorView.contentAttributes.of({ 'aria-label': `Text of ${name}`, 'data-testid': 'file-editor' }),
      ],
    });
    const view = new EditorView({ state, parent: host.current! });
    view.focus();
    return () => view.destroy();
    // The editor is made once per opened file; its text then lives in CodeMirror.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name]);

  return <div className="file-editor" ref={host} />;
}
