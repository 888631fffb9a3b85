import { ApiError } from '../../api/client';
import type { PreviewResult } from '../../api/queries';
import { Banner, ErrorBanner } from '../../common/Banner';
import { CodeEditor, type EditorProblem } from '../../common/CodeEditor';
import { Skeleton } from '../../common/QueryState';

/** The compiled Eta (mapper mode) and the rendered output, with every error where it happens. */
export function OutputPanel({
  mode,
  compiledBody,
  compiledProblems,
  result,
  error,
  pending,
  ready,
  format,
}: {
  mode: 'mapper' | 'eta';
  compiledBody: string | undefined;
  compiledProblems: EditorProblem[];
  result: PreviewResult | undefined;
  error: unknown;
  pending: boolean;
  ready: boolean;
  format: string;
}) {
  const rawOutput = error instanceof ApiError && typeof error.details?.output === 'string' ? error.details.output : undefined;
  return (
    <section className="panel" aria-labelledby="output-title" aria-busy={pending}>
      <h3 id="output-title">
        Output <span className="muted small">{pending ? 'updating…' : result && !error ? `${result.contentType}, ${result.bytes} bytes` : ''}</span>
      </h3>
      {mode === 'mapper' && (
        <>
          <h4>Compiled Eta template</h4>
          {compiledBody !== undefined ? (
            <CodeEditor language="eta" label="Compiled Eta template (read-only)" value={compiledBody} readOnly problems={compiledProblems} height="12rem" />
          ) : (
            <div className="placeholder-box">The Eta template the rules compile to appears here.</div>
          )}
        </>
      )}
      <h4>Rendered output</h4>
      {!ready ? (
        <div className="placeholder-box">{mode === 'mapper' ? 'Add a rule to see the output.' : 'Write the template to see the output.'}</div>
      ) : error ? (
        <div role="region" aria-label="Render error">
          <ErrorBanner error={error} title={error instanceof ApiError && error.status === 422 ? 'The template does not render.' : 'Could not render.'} />
          {rawOutput !== undefined && (
            <>
              <h5>What the template produced (not sent)</h5>
              <CodeEditor language="text" label="Raw output of the failed render" value={rawOutput} readOnly height="8rem" />
            </>
          )}
        </div>
      ) : result ? (
        <>
          <CodeEditor language={format === 'json' ? 'json' : 'text'} label="Rendered output (read-only)" value={result.output} readOnly height="16rem" />
          <Banner tone="success">Rendered without errors. This is byte for byte what a delivery of this input would send.</Banner>
        </>
      ) : (
        <Skeleton rows={6} />
      )}
    </section>
  );
}
