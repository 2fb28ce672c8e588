// CodeMirror 6 for SQL (MySQL dialect): highlighting, completion of keywords, the selected
// database's tables and — once a table is named in the text — its columns (fetched lazily),
// Ctrl/Cmd+Enter to run (the selection if any, else everything).
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type Completion, type CompletionContext } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { MySQL, sql, type SQLNamespace } from '@codemirror/lang-sql';
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers, placeholder } from '@codemirror/view';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export type SqlEditorHandle = {
  /** The selection if there is one, else the whole text. */
  runnable(): string;
  setText(text: string): void;
  focus(): void;
};

type Props = {
  /** Table name -> its columns (empty until fetched). */
  schema: Record<string, string[]>;
  /** Asked for the columns of tables the text names, once each. */
  onNeedColumns: (tables: string[]) => void;
  onRun: () => void;
  initial?: string;
};

export const SqlEditor = forwardRef<SqlEditorHandle, Props>(function SqlEditor({ schema, onNeedColumns, onRun, initial = '' }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const language = useRef(new Compartment());
  // The latest props for the long-lived editor's callbacks.
  const latest = useRef({ schema, onNeedColumns, onRun });
  latest.current = { schema, onNeedColumns, onRun };

  useImperativeHandle(ref, () => ({
    runnable() {
      const v = view.current;
      if (!v) return '';
      const sel = v.state.selection.main;
      return sel.empty ? v.state.doc.toString() : v.state.sliceDoc(sel.from, sel.to);
    },
    setText(text) {
      const v = view.current;
      if (!v) return;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text }, selection: { anchor: text.length } });
      v.focus();
    },
    focus() {
      view.current?.focus();
    },
  }));

  useEffect(() => {
    // Bare column names: the columns of every table whose columns are known.
    const columnSource = (context: CompletionContext) => {
      const word = context.matchBefore(/[\w$]+/);
      if (!word || (word.from === word.to && !context.explicit)) return null;
      if (context.state.sliceDoc(word.from - 1, word.from) === '.') return null;
      const seen = new Set<string>();
      const options: Completion[] = [];
      for (const [table, cols] of Object.entries(latest.current.schema)) {
        for (const c of cols) {
          if (seen.has(c)) continue;
          seen.add(c);
          options.push({ label: c, type: 'property', detail: table, boost: -1 });
        }
      }
      return options.length ? { from: word.from, options, validFor: /^[\w$]*$/ } : null;
    };
    const state = EditorState.create({
      doc: initial,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        closeBrackets(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        language.current.of(sql({ dialect: MySQL, upperCaseKeywords: true })),
        MySQL.language.data.of({ autocomplete: columnSource }),
        autocompletion({ activateOnTyping: true }),
        placeholder('SELECT … ; Ctrl+Enter runs the selection, or everything'),
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (latest.current.onRun(), true) }])),
        keymap.of([...closeBracketsKeymap, ...completionKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) scheduleScan();
        }),
        EditorView.contentAttributes.of({ 'aria-label': 'SQL', 'data-testid': 'sql-input' }),
      ],
    });
    const v = new EditorView({ state, parent: host.current! });
    view.current = v;

    // Tables named in the text whose columns are not known yet.
    let timer: ReturnType<typeof setTimeout> | null = null;
    function scheduleScan() {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const text = v.state.doc.toString();
        const known = latest.current.schema;
        const words = new Set(text.match(/[\w$]+/g) ?? []);
        const wanted = Object.keys(known).filter((t) => known[t]!.length === 0 && (words.has(t) || text.includes(`\`${t}\``)));
        if (wanted.length) latest.current.onNeedColumns(wanted);
      }, 250);
    }
    return () => {
      if (timer) clearTimeout(timer);
      v.destroy();
      view.current = null;
    };
    // The editor lives as long as the component; props reach it through `latest`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // New tables or columns: the SQL language is reconfigured with the schema.
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const ns: SQLNamespace = {};
    for (const [table, cols] of Object.entries(schema)) ns[table] = cols;
    v.dispatch({ effects: language.current.reconfigure(sql({ dialect: MySQL, upperCaseKeywords: true, schema: ns })) });
  }, [schema]);

  return <div className="sql-editor" ref={host} />;
});
