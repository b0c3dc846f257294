// The operator's workstation: log in, watch the conversations live, hold and resume them.
// Plain modules, no build step: what is here is what the browser runs.

import { command, domain, whoAmI } from './api.js';
import { commandRefusal, loginRefusal } from './format.js';
import { LiveStream } from './stream.js';
import { conversationOf, Desk } from './view.js';

const $ = (id) => document.getElementById(id);
const ui = {
  domain: $('domain'), connection: $('connection'), who: $('who'), logout: $('logout'),
  login: $('login'), loginForm: $('login-form'), loginMessage: $('login-message'), loginButton: $('login-button'),
  operator: $('operator'), password: $('password'),
  desk: $('desk'), deskTitle: $('desk-title'), deskNote: $('desk-note'), empty: $('empty'),
  announcer: $('announcer'),
};

const ENDED = 'Your session has ended (logged out elsewhere, expired, or the server restarted): log in again.';

let me = null; // {operator, supervisor, authOff} while the desk is shown
let conversations = new Map(); // id -> conversation (view.js)
let stream = null;
let retryMillis = 1000; // before reopening a refused stream: doubled each time, up to 30 s, reset once live
const desk = new Desk($('conversations'), act);

function announce(text) {
  ui.announcer.textContent = text;
}

function showConnection(state) {
  if (state === 'live') {
    retryMillis = 1000;
  }
  ui.connection.hidden = false;
  ui.connection.textContent = state === 'live' ? 'Live' : 'Reconnecting';
  ui.connection.className = `connection ${state}`;
}

/** The login form, with a message (why the page is here), and nothing of the desk left. */
function showLogin(message) {
  if (stream) {
    stream.stop();
    stream = null;
  }
  me = null;
  conversations = new Map();
  desk.reset(false, null, 0);
  ui.desk.hidden = true;
  ui.who.hidden = true;
  ui.logout.hidden = true;
  ui.connection.hidden = true;
  ui.login.hidden = false;
  ui.loginMessage.textContent = message || '';
  ui.password.value = '';
  ui.loginButton.disabled = false;
  ui.operator.focus();
}

/** The desk of a session (null: authentication is off and the page serves the whole domain). */
function showDesk(session, serverDate) {
  me = session
    ? { operator: session.operator_id, supervisor: session.supervisor === 'true', authOff: false }
    : { operator: null, supervisor: true, authOff: true };
  const skew = serverDate ? serverDate - Date.now() : 0;
  desk.reset(me.supervisor, me.operator, Math.abs(skew) > 2000 ? skew : 0); // the Date header is to the second
  conversations = new Map();
  ui.login.hidden = true;
  ui.desk.hidden = false;
  ui.who.hidden = false;
  ui.who.textContent = me.authOff ? 'Authentication is off'
    : `Operator ${me.operator}${me.supervisor ? ' (supervisor)' : ''}`;
  ui.logout.hidden = me.authOff;
  ui.deskTitle.textContent = me.supervisor ? 'Conversations of the domain, by operator' : 'Your conversations';
  ui.deskNote.hidden = !me.authOff;
  ui.deskNote.textContent = 'Authentication is off on this server: anyone who opens this page sees and acts for the '
    + 'whole domain.';
  ui.connection.hidden = true; // until the stream opens, or fails
  ui.deskTitle.focus();
  stream = new LiveStream({ snapshot, change, connection: showConnection, refused, sessionEnded });
  stream.start();
}

function render() {
  ui.empty.hidden = desk.render(conversations) > 0;
}

function snapshot(entries) {
  const next = new Map();
  for (const [id, event] of entries) {
    next.set(id, conversationOf(event, conversations.get(id)));
  }
  conversations = next;
  render();
  announce(`${next.size} conversation${next.size === 1 ? '' : 's'}`);
}

function change(event) {
  const id = event.conversation_id;
  if (event.status === 'released') {
    if (conversations.delete(id)) {
      announce(`Conversation ${id} ended`);
    }
  } else {
    conversations.set(id, conversationOf(event, conversations.get(id)));
    announce(`Conversation ${id}: ${event.status === 'hold' ? 'on hold' : 'talking'}`);
  }
  render();
}

/**
 * The stream was refused (an HTTP status, not a drop): a dead session goes back to the
 * login form; else the stream opens again after a while (longer each time, so a refusal
 * that persists is not asked again and again).
 */
async function refused() {
  const refusedStream = stream;
  const answer = await whoAmI();
  if (stream !== refusedStream) {
    return; // logged out, or in again, meanwhile: this is not that page's stream
  }
  if (answer.status === 401) {
    showLogin(ENDED);
    return;
  }
  const wait = retryMillis;
  retryMillis = Math.min(retryMillis * 2, 30000);
  setTimeout(() => {
    if (stream === refusedStream) {
      answer.ok ? refusedStream.resume() : refused();
    }
  }, wait);
}

function sessionEnded() {
  showLogin(ENDED);
}

/**
 * Hold or Resume from a row. The command names the page's operator (an operator's page)
 * or the row's group's (a supervisor's, or authentication off).
 */
async function act(conversation, operator) {
  if (!conversation || conversation.pending) {
    return;
  }
  const holding = conversation.status !== 'hold';
  const changesBefore = conversation.changes;
  conversation.pending = true;
  conversation.refusal = '';
  render();
  const actor = operator === null ? me.operator : operator; // '' (a group of nobody): the server's default
  const attributes = { conversation_id: conversation.id };
  if (actor) {
    attributes.operator_id = actor;
  }
  const answer = await command(holding ? 'call_hold' : 'call_unhold', attributes);
  if (answer.status === 401) {
    showLogin(ENDED);
    return;
  }
  const now = conversations.get(conversation.id);
  if (!now) {
    return; // it ended meanwhile
  }
  now.pending = false;
  if (!answer.ok) {
    now.refusal = commandRefusal(answer);
  } else if (now.changes === changesBefore) {
    // its event has not come yet (it comes at once; the stream may be reconnecting): the answer stands in for
    // it, until it comes. An event that came first is newer than this answer, and stays.
    Object.assign(now, holding
      ? { status: 'hold', heldBy: actor || null, since: Date.now() + desk.skew }
      : { status: 'working', heldBy: null, since: null });
  }
  render();
}

ui.loginForm.addEventListener('submit', async (submitted) => {
  submitted.preventDefault();
  const operator = ui.operator.value.trim();
  if (!operator || !ui.password.value) {
    ui.loginMessage.textContent = 'Enter your operator id and your password.';
    return;
  }
  ui.loginButton.disabled = true;
  ui.loginMessage.textContent = '';
  const answer = await command('login', { operator_id: operator, password: ui.password.value });
  ui.loginButton.disabled = false;
  if (answer.ok) {
    const session = answer.content.find((node) => node && node._name === 'session');
    ui.password.value = '';
    showDesk(session._attributes, answer.serverDate);
  } else {
    ui.password.value = '';
    ui.loginMessage.textContent = loginRefusal(answer);
    ui.password.focus();
  }
});

ui.logout.addEventListener('click', async () => {
  const answer = await command('logout');
  if (answer.ok || answer.status === 401) {
    showLogin('You have logged out.');
  } else {
    announce(`Not logged out: ${commandRefusal(answer)}`); // the session still lives: the desk stays
    ui.deskNote.hidden = false;
    ui.deskNote.textContent = `Not logged out: ${commandRefusal(answer)}`;
  }
});

setInterval(() => desk.tick(), 500);

async function start() {
  ui.domain.textContent = domain;
  const answer = await whoAmI();
  if (answer.ok) {
    showDesk(answer.session, answer.serverDate);
  } else if (answer.status === 401) {
    showLogin('');
  } else {
    showLogin(loginRefusal(answer));
  }
}

start();
