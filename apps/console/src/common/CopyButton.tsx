import { useState } from 'react';
import { Button } from './Button';

/** Copies a value to the clipboard and says so. */
export function CopyButton({ value, label = 'Copy' }: { value: string; label?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | undefined>();
  return (
    <>
      <Button
        onClick={() => {
          navigator.clipboard
            .writeText(value)
            .then(() => setCopied('yes'))
            .catch(() => setCopied('no'));
        }}
      >
        {label}
      </Button>
      <span className="copy-status" role="status">
        {copied === 'yes' ? 'Copied.' : copied === 'no' ? 'Could not copy: select the text and copy it yourself.' : ''}
      </span>
    </>
  );
}
