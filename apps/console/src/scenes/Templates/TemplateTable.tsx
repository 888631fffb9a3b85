import { Link } from 'react-router';
import { useEventTypeLabel, type TemplateSummary } from '../../api/queries';
import { Time } from '../../common/Time';

/** Templates in a list: a link to each one's editor. */
export function TemplateTable({ templates, linkTo }: { templates: TemplateSummary[]; linkTo: (t: TemplateSummary) => string }) {
  const label = useEventTypeLabel();
  return (
    <table className="table">
      <caption className="visually-hidden">Templates</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Format</th>
          <th scope="col">For events</th>
          <th scope="col">Version</th>
          <th scope="col">Changed</th>
        </tr>
      </thead>
      <tbody>
        {templates.map((t) => (
          <tr key={t.id}>
            <td>
              <Link to={linkTo(t)}>{t.name}</Link>
              {t.description && <div className="muted small">{t.description}</div>}
            </td>
            <td>{t.format.toUpperCase()}</td>
            <td>{t.eventTypes.length ? t.eventTypes.map(label).join(', ') : 'Any'}</td>
            <td>v{t.latestVersion}</td>
            <td>
              <Time iso={t.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
