import { json } from '@codemirror/lang-json';
import { indentUnit } from '@codemirror/language';
import { linter, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { etaLanguage } from './eta-language';

export interface EditorProblem {
  /** 1-based line; the whole first line when missing. */
  line?: number;
  /** 1-based column. */
  column?: number;
  message: string;
  severity?: 'error' | 'warning';
}

export interface CodeEditorProps {
  value: string;
  onChange?: (value: string) => void;
  language: 'eta' | 'json' | 'text';
  /** The accessible name of the editing area. */
  label: string;
  readOnly?: boolean;
  /** Problems to mark in the text (and in the gutter) at their line. */
  problems?: EditorProblem[];
  /** Fixed height, so nothing moves when content arrives. */
  height?: string;
  id?: string;
  'aria-describedby'?: string;
}

const theme = EditorView.theme({
  '&': { fontSize: '13px', border: '1px solid var(--border-strong)', borderRadius: '6px', backgroundColor: '#fff' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-gutters': { backgroundColor: '#f6f8fa', color: '#57606a', borderRight: '1px solid var(--border)' },
  '.cm-activeLineGutter': { backgroundColor: '#e7ecf2', color: '#1f2328' },
});

function languageOf(language: CodeEditorProps['language']): Extension {
  if (language === 'json') return json();
  if (language === 'eta') return etaLanguage;
  return [];
}

function toDiagnostics(state: EditorState, problems: EditorProblem[]): Diagnostic[] {
  return problems.map((p) => {
    const lineNo = Math.min(Math.max(p.line ?? 1, 1), state.doc.lines);
    const line = state.doc.line(lineNo);
    const from = Math.min(line.from + Math.max((p.column ?? 1) - 1, 0), line.to);
    return { from, to: p.column ? Math.min(from + 1, line.to) : line.to, severity: p.severity ?? 'error', message: p.message };
  });
}

/** CodeMirror 6 for Eta and JSON: highlighting, line numbers, problems marked at their line. */
export function CodeEditor({ value, onChange, language, label, readOnly = false, problems = [], height = '18rem', id, ...aria }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          languageOf(language),
          indentUnit.of('  '),
          EditorState.readOnly.of(readOnly),
          EditorView.editable.of(!readOnly),
          EditorView.contentAttributes.of({
            'aria-label': label,
            ...(aria['aria-describedby'] ? { 'aria-describedby': aria['aria-describedby'] } : {}),
            // Read-only editors stay focusable, so their text can be scrolled and selected with the keyboard.
            ...(readOnly ? { 'aria-readonly': 'true', tabindex: '0' } : {}),
          }),
          EditorView.lineWrapping,
          linter(null),
          lintGutter(),
          theme,
          EditorView.theme({ '&': { height }, '.cm-scroller': { overflow: 'auto' } }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) onChangeRef.current?.(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // The editor is created once per language/readOnly; value and problems are pushed in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, readOnly, label, height]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch(setDiagnostics(editor.state, toDiagnostics(editor.state, problems)));
  }, [problems, value]);

  return <div ref={host} id={id} className="code-editor" data-language={language} />;
}
