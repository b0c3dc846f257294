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
const desk = new Desk($('conversations'), act);

function announce(text) {
  ui.announcer.textContent = text;
}

function showConnection(state) {
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
  showConnection('reconnecting');
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

/** The stream was refused: a dead session goes back to the login form; else it resumes shortly. */
async function refused() {
  const answer = await whoAmI();
  if (!stream) {
    return; // logged out meanwhile
  }
  if (answer.status === 401) {
    showLogin(ENDED);
  } else if (answer.ok) {
    stream.resume();
  } else {
    setTimeout(() => stream && refused(), 2000); // unreachable or unavailable: still Reconnecting
  }
}

function sessionEnded() {
  showLogin(ENDED);
}

/** Hold or Resume from a row: the command names the row's operator (a supervisor's view) or this one. */
async function act(conversation, operator) {
  if (!conversation || conversation.pending) {
    return;
  }
  const holding = conversation.status !== 'hold';
  conversation.pending = true;
  conversation.refusal = '';
  render();
  const actor = operator || me.operator;
  const attributes = { conversation_id: conversation.id };
  if (actor) {
    attributes.operator_id = actor;
  }
  const answer = await command(holding ? 'call_hold' : 'call_unhold', attributes);
  const now = conversations.get(conversation.id);
  if (answer.status === 401) {
    showLogin(ENDED);
    return;
  }
  if (!now) {
    return; // it ended meanwhile
  }
  now.pending = false;
  if (answer.ok) {
    // the event says so too, at once; this keeps the row right if it came first
    if (holding && now.status !== 'hold') {
      Object.assign(now, { status: 'hold', heldBy: actor, since: Date.now() + desk.skew });
    } else if (!holding) {
      Object.assign(now, { status: 'working', heldBy: null, since: null });
    }
  } else {
    now.refusal = commandRefusal(answer);
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
  await command('logout');
  showLogin('You have logged out.');
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
