import { SmsSendError } from './sms-gateway.js';

/** Error codes meaning the request never left this machine or never reached the provider. */
const NEVER_ARRIVED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * Sorts an HTTP provider's failure by what it means for a second try (see SmsSendError):
 * a 4xx answer is a refusal; a 5xx, a timeout or a dropped connection may have sent the text.
 */
export function classifyHttpFailure(
  provider: string,
  err: unknown,
  answer: { status: number; message: string } | null,
): SmsSendError {
  if (answer) {
    if (answer.status >= 400 && answer.status < 500)
      return new SmsSendError('refused', `${provider} refused the text: ${answer.message}`, { cause: err });
    return new SmsSendError(
      'ambiguous',
      `${provider} answered ${answer.status} (${answer.message}); the text may still arrive`,
      { cause: err },
    );
  }
  const code = networkCode(err);
  if (code && NEVER_ARRIVED.has(code))
    return new SmsSendError('unreachable', `${provider} could not be reached (${code})`, { cause: err });
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(String(err));
  return new SmsSendError(
    'ambiguous',
    timedOut
      ? `no answer from ${provider} in time; the text may still arrive`
      : `the connection to ${provider} failed mid-request (${code ?? 'unknown error'}); the text may still arrive`,
    { cause: err },
  );
}

/** The system error code of a network failure, looking through wrappers (axios keeps it on `code` or `cause`). */
function networkCode(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code) && code !== 'ERR_BAD_RESPONSE') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
