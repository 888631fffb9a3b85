import { MergeView } from '@codemirror/merge';
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { etaLanguage } from './eta-language';

/** Two versions side by side, changes marked, unchanged stretches folded. Read-only. */
export function DiffView({ a, b, labelA, labelB }: { a: string; b: string; labelA: string; labelB: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const side = (label: string) => [
      basicSetup,
      etaLanguage,
      EditorState.readOnly.of(true),
      EditorView.editable.of(false),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': label, 'aria-readonly': 'true', tabindex: '0' }),
    ];
    const merge = new MergeView({
      a: { doc: a, extensions: side(labelA) },
      b: { doc: b, extensions: side(labelB) },
      parent: host.current,
      collapseUnchanged: { margin: 3, minSize: 6 },
      highlightChanges: true,
      gutter: true,
    });
    return () => merge.destroy();
  }, [a, b, labelA, labelB]);
  return (
    <div className="diff-view">
      <div className="diff-labels" aria-hidden="true">
        <span>{labelA}</span>
        <span>{labelB}</span>
      </div>
      <div ref={host} />
    </div>
  );
}
