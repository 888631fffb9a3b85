import type { DragEvent } from 'react';
import type { FieldNode } from './mapping';

export const FIELD_DRAG_TYPE = 'application/x-postback-field';

function exampleOf(node: FieldNode): string {
  const ex = node.info?.example;
  if (ex === undefined) return node.info?.type ?? '';
  const text = typeof ex === 'string' ? `"${ex}"` : JSON.stringify(ex);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * The input's fields as a tree. Each field can be mapped with its button (keyboard and mouse) or
 * dragged onto a rule. `pickingFor` names the rule waiting for a source, when there is one.
 */
export function FieldTree({ nodes, onPick, pickingFor }: { nodes: FieldNode[]; onPick: (path: string) => void; pickingFor?: string }) {
  return (
    <ul className="field-tree" aria-label="Input fields">
      {nodes.map((n) => (
        <FieldItem key={n.path} node={n} onPick={onPick} pickingFor={pickingFor} />
      ))}
    </ul>
  );
}

function FieldItem({ node, onPick, pickingFor }: { node: FieldNode; onPick: (path: string) => void; pickingFor?: string }) {
  const leaf = node.children.length === 0;
  const onDragStart = (e: DragEvent) => {
    e.dataTransfer.setData(FIELD_DRAG_TYPE, node.path);
    e.dataTransfer.setData('text/plain', node.path);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <li>
      <div className="field-row" draggable onDragStart={onDragStart} data-path={node.path}>
        <button
          type="button"
          draggable
          className="field-pick"
          onClick={() => onPick(node.path)}
          aria-label={pickingFor ? `Use ${node.path} as the source of ${pickingFor}` : `Map ${node.path}`}
          title={pickingFor ? `Use as the source of ${pickingFor}` : 'Add a rule for this field (or drag it onto a rule)'}
        >
          <span className="field-name">{node.name}</span>
          <span className="field-type">{node.info?.type ?? 'object'}</span>
        </button>
        {leaf && <span className="field-example">{exampleOf(node)}</span>}
      </div>
      {!leaf && (
        <ul>
          {node.children.map((c) => (
            <FieldItem key={c.path} node={c} onPick={onPick} pickingFor={pickingFor} />
          ))}
        </ul>
      )}
    </li>
  );
}
