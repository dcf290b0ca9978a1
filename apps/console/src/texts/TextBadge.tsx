import type { TextDelivery } from '@sightline/protocol';
import { textDetail, textLabel } from './text-status.js';

/**
 * The newest text's state as a badge, with what happened in words beside it when asked. A
 * failed text is an alert: the handler must hear of it at once, without looking for it.
 */
export function TextBadge({
  text,
  detail,
  testId,
}: {
  text: TextDelivery;
  detail?: boolean;
  testId?: string;
}) {
  const failed = text.status === 'failed';
  return (
    <span
      className="text-status"
      data-testid={testId}
      data-status={text.status}
      role={failed ? 'alert' : undefined}
    >
      <span
        className={`badge badge-text-${failed && text.uncertain ? 'uncertain' : text.status}`}
        title={textDetail(text)}
      >
        {textLabel(text)}
      </span>
      {detail || failed ? (
        <span className="text-status-detail">{detail ? textDetail(text) : (text.reason ?? '')}</span>
      ) : null}
    </span>
  );
}
