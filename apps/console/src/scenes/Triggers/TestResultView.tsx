import { Link } from 'react-router';
import type { TestFireResult } from '../../api/queries';
import { Banner } from '../../common/Banner';
import { formatDuration } from '../../common/format';
import { HeaderList, JsonBlock } from '../../common/JsonBlock';
import { StatusBadge } from '../../common/StatusBadge';

/** What a test-fire sent and what came back: the request (headers and body), the response, the timing. */
export function TestResultView({ result }: { result: TestFireResult }) {
  return (
    <section className="test-result" aria-labelledby="test-result-title">
      <h3 id="test-result-title">
        {/* Passed or failed is what an operator acts on; the delivery's own outcome is in the facts below. */}
        Test result: <StatusBadge status={result.outcome === 'pending' ? 'pending' : result.passed ? 'passed' : 'failed'} />
      </h3>
      {result.outcome === 'pending' ? (
        <Banner tone="warning" title="No outcome yet.">
          The test event is on its way but no attempt was recorded within the wait, so this test does not count towards activation. See delivery{' '}
          <Link to={`/deliveries/${result.deliveryId}`}>{result.deliveryId}</Link> in the log, and run the test again once the platform keeps up.
        </Banner>
      ) : result.passed ? (
        <Banner tone="success" title="The test passed.">
          {result.fixtures ? `All ${result.fixtures.length} fixtures got the answer and the payload they expect.` : 'The receiver accepted the postback.'} This
          configuration can now be activated.
        </Banner>
      ) : !result.fixtures && result.outcome === 'delivered' ? (
        <Banner tone="warning" title="Delivered, but this test does not count.">
          The trigger has fixtures: only a test of all of them counts towards activation. Run the test again without choosing a sample.
        </Banner>
      ) : result.fixtures && result.outcome === 'delivered' ? (
        <Banner tone="error" title="The test failed.">
          A fixture did not get the payload or the answer it expects (below). Fix the template or the fixture and run the test again; activation needs every
          fixture green.
        </Banner>
      ) : (
        <Banner tone="error" title="The test failed.">
          {result.error ? `${result.error.code}: ${result.error.message}` : 'The receiver did not accept the postback.'} Fix the problem and run the test again;
          activation needs a passing test.
        </Banner>
      )}
      {result.fixtures && (
        <table className="table">
          <caption>Fixtures</caption>
          <thead>
            <tr>
              <th scope="col">Fixture</th>
              <th scope="col">Result</th>
              <th scope="col">Checks</th>
            </tr>
          </thead>
          <tbody>
            {result.fixtures.map((f) => (
              <tr key={f.fixtureId}>
                <td>
                  {f.name}{' '}
                  <Link to={`/deliveries/${f.deliveryId}`} className="small">
                    delivery
                  </Link>
                </td>
                <td>
                  <StatusBadge status={f.passed ? 'passed' : 'failed'} />
                  {f.status !== undefined && <span className="muted small"> answered {f.status}</span>}
                  {f.expectStatus !== undefined && <span className="muted small"> (expects {f.expectStatus})</span>}
                  {f.error && <div className="small">{`${f.error.code}: ${f.error.message}`}</div>}
                </td>
                <td>
                  {f.checks.length === 0 ? (
                    <span className="muted">no expectations on the payload</span>
                  ) : (
                    <ul className="change-list">
                      {f.checks.map((c, i) => (
                        <li key={i}>
                          {c.passed ? '✓' : '✗'} <code>{c.path}</code> {c.expectation}
                          {!c.passed && <>: {c.message}</>}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <dl className="facts">
        <div>
          <dt>Delivery outcome</dt>
          <dd>
            <StatusBadge status={result.outcome} />
          </dd>
        </div>
        <div>
          <dt>Delivery id (webhook-id)</dt>
          <dd>
            <Link to={`/deliveries/${result.deliveryId}`}>
              <code>{result.deliveryId}</code>
            </Link>
          </dd>
        </div>
        <div>
          <dt>Took</dt>
          <dd>{formatDuration(result.durationMs)}</dd>
        </div>
      </dl>
      <div className="two-columns">
        <div>
          <h4>Request sent</h4>
          {result.request ? (
            <>
              <p className="wrap-anywhere">
                <code>
                  {result.request.method ?? 'SEND'} {result.request.url}
                </code>
              </p>
              <HeaderList headers={result.request.headers} label="Request headers" />
              <JsonBlock value={result.request.body} label="Request body" />
            </>
          ) : (
            <p className="muted">Nothing was sent.</p>
          )}
        </div>
        <div>
          <h4>Response</h4>
          {result.response ? (
            <>
              <p>
                Status <strong>{result.response.status}</strong>
              </p>
              <HeaderList headers={result.response.headers} label="Response headers" />
              <JsonBlock value={result.response.bodyExcerpt} label="Response body (start)" />
            </>
          ) : (
            <p className="muted">No response{result.error ? ` (${result.error.code})` : ''}.</p>
          )}
        </div>
      </div>
    </section>
  );
}
