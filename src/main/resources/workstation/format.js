// Words and numbers as the page shows them.

/** A duration as a running clock: m:ss, or h:mm:ss past an hour. */
export function clock(millis) {
  const total = Math.max(0, Math.floor(millis / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** A conversation's status in words. */
export function statusWords(status) {
  return status === 'hold' ? 'On hold' : 'Talking';
}

/** A refused login in words, with the protocol's reason for whoever reports it. */
export function loginRefusal(answer) {
  switch (answer.reason) {
    case 'invalid_credentials':
      return 'Unknown operator or wrong password.';
    case 'too_many_attempts':
      return `Too many failed attempts: try again in ${answer.retryAfter || 60} s.`;
    case 'logins_busy':
      return 'The server is busy checking other logins: try again in a moment.';
    case 'store_unavailable':
      return 'The server cannot reach its store right now: try again shortly.';
    case 'unreachable':
      return 'The server did not answer: check the connection and try again.';
    default:
      return `Login refused (${answer.reason}): ${answer.detail}`;
  }
}

/** A refused command, as its row shows it: the reason, then the server's detail. */
export function commandRefusal(answer) {
  if (answer.reason === 'unreachable') {
    return 'Not sent: the server did not answer.';
  }
  return `Refused (${answer.reason}): ${answer.detail}`;
}
