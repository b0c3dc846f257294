// The server's API as the page uses it: commands in the JSON form (docs/protocol.md,
// "The JSON form"), on this page's own origin, with the session cookie the browser keeps.

/** The domain is the first segment of the page's path: /<DOMAIN>/workstation/. */
export const domain = decodeURIComponent(location.pathname.split('/')[1] || '');

const base = `/${encodeURIComponent(domain)}/service/cc/arm/`;

/** The URL of the event stream, resuming after `epoch`-`seq` when given. */
export function eventsUrl(resume) {
  if (!resume) {
    return base + 'events';
  }
  const query = new URLSearchParams({ epoch: resume.epoch, since: String(resume.seq) });
  return `${base}events?${query}`;
}

/**
 * What an answer says: `ok` (with the `ok` element's children), or the error's `reason`
 * and `detail`; `status` is the HTTP status, `retryAfter` the seconds a refusal asks to wait.
 */
function readAnswer(status, headers, document) {
  const out = Array.isArray(document) ? document[0] : null;
  const inside = (out && out._content) || [];
  const response = inside.find((node) => node && node._name === 'response');
  if (response) {
    const ok = (response._content || []).find((node) => node && node._name === 'ok') || {};
    return { ok: true, status, content: ok._content || [] };
  }
  const error = inside.find((node) => node && node._name === 'error');
  const attributes = (error && error._attributes) || {};
  const detail = ((error && error._content) || []).filter((node) => typeof node === 'string').join('');
  return {
    ok: false,
    status,
    reason: attributes.reason || 'unreadable_answer',
    detail: detail || `the server answered ${status}`,
    retryAfter: Number(headers.get('Retry-After')) || 0,
  };
}

/** Longer than any deadline of the server's (a hold re-INVITEs two phones): past it, the answer is not coming. */
const ANSWER_WITHIN_MILLIS = 15000;

async function exchange(url, options) {
  let response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin', cache: 'no-store', signal: AbortSignal.timeout(ANSWER_WITHIN_MILLIS), ...options,
    });
  } catch (unreachable) {
    return { ok: false, status: 0, reason: 'unreachable', detail: 'the server did not answer', retryAfter: 0 };
  }
  let document = null;
  try {
    document = await response.json();
  } catch (notJson) {
    // a proxy's page, or nothing: readAnswer says so
  }
  const answer = readAnswer(response.status, response.headers, document);
  answer.serverDate = Date.parse(response.headers.get('Date') || '') || null;
  return answer;
}

/** Sends `<name ...attributes/>` as a command; resolves to what the answer says, never rejects. */
export function command(name, attributes) {
  const element = { _name: name };
  if (attributes && Object.keys(attributes).length > 0) {
    element._attributes = attributes;
  }
  const body = [{ _name: 'in', _content: [{ _name: 'request', _content: [element] }] }];
  return exchange(base + name, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * Who this page is logged in as: `{ok: true, session}` (null `session`: authentication is
 * off, the page serves the whole domain), or the refusal (401 when not logged in).
 */
export async function whoAmI() {
  const answer = await exchange(base + 'session', { headers: { Accept: 'application/json' } });
  if (answer.ok) {
    const session = answer.content.find((node) => node && node._name === 'session');
    answer.session = session ? session._attributes : null;
  }
  return answer;
}
