import { useEffect, useState } from 'react';
import { onApiEvent } from '../api/client';
import { Banner } from '../common/Banner';

/** Says so, across every page, when the API stops answering; goes away by itself when it answers again. */
export function ApiStatusBanner() {
  const [down, setDown] = useState(false);
  useEffect(() => onApiEvent((e) => (e === 'unreachable' ? setDown(true) : e === 'reachable' ? setDown(false) : undefined)), []);
  if (!down) return null;
  return (
    <Banner tone="error" title="The API is not answering.">
      The config service may be stopped or restarting. What you see may be out of date; the console keeps trying and this message goes away when it answers
      again.
    </Banner>
  );
}
