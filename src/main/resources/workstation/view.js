// The list of conversations: one row each (or, grouped by operator, one row under each of
// its operators), updated in place so that focus and screen-reader position survive changes.

import { clock, statusWords } from './format.js';

/**
 * A conversation as the page keeps it, made from an event's attributes. `changes` counts
 * the events it has had (a command's answer may only stand in for an event none beat);
 * a refusal stays until the conversation changes.
 */
export function conversationOf(event, previous) {
  const operators = (event.operators || '').split(' ').filter(Boolean);
  return {
    id: event.conversation_id,
    status: event.status,
    heldBy: event.status === 'hold' ? event.operator_id || null : null,
    since: event.status === 'hold' ? Date.parse(event.at) : null,
    operators: operators.length > 0 ? operators : (previous ? previous.operators : []),
    caller: event.caller || (previous ? previous.caller : null),
    callerName: event.caller_name || (previous ? previous.callerName : null),
    pending: previous ? previous.pending : false,
    refusal: previous && previous.status === event.status ? previous.refusal : '',
    changes: previous ? previous.changes + 1 : 0,
  };
}

let lastElementId = 0; // ids for aria-describedby: from a counter, as conversation ids may hold any character

export class Desk {
  /**
   * container: where the list goes; onAct(conversation, operator): a click on Hold or
   * Resume in the row of that operator (null when the list is not grouped).
   */
  constructor(container, onAct) {
    this.container = container;
    this.onAct = onAct;
    this.rows = new Map(); // key -> row element
    this.groups = new Map(); // operator -> group element
    this.flat = null; // the list when not grouped
    this.grouped = false;
    this.self = null; // the operator whose page this is (not named among the others)
    this.skew = 0; // the server's clock minus this one
  }

  /** Grouped by operator (a supervisor's view, or authentication off) or one list (the operator self's own). */
  reset(grouped, self, skew) {
    this.container.replaceChildren();
    this.rows.clear();
    this.groups.clear();
    this.flat = null;
    this.grouped = grouped;
    this.self = self;
    this.skew = skew;
  }

  /** Shows exactly these conversations (a Map by id), adding, updating and removing rows. */
  render(conversations) {
    const wanted = new Set();
    for (const conversation of conversations.values()) {
      const owners = this.grouped ? (conversation.operators.length > 0 ? conversation.operators : ['']) : [null];
      for (const operator of owners) {
        const key = `${operator ?? ''}\u0000${conversation.id}`;
        wanted.add(key);
        let row = this.rows.get(key);
        if (!row) {
          row = this.newRow(conversation.id, operator);
          this.rows.set(key, row);
          // in the order of their ids, whatever order they arrive in
          const list = this.listFor(operator);
          const next = [...list.children].find((other) => other.dataset.conversationId > conversation.id);
          list.insertBefore(row, next || null);
        }
        this.fill(row, conversation, operator);
      }
    }
    for (const [key, row] of this.rows) {
      if (!wanted.has(key)) {
        row.remove();
        this.rows.delete(key);
      }
    }
    for (const [operator, group] of this.groups) {
      if (!group.querySelector('.row')) {
        group.remove();
        this.groups.delete(operator);
      }
    }
    this.tick();
    return wanted.size;
  }

  /** Moves every hold timer on. */
  tick() {
    const now = Date.now() + this.skew;
    for (const row of this.rows.values()) {
      if (row.since != null) {
        row.querySelector('.timer').textContent = clock(now - row.since);
      }
    }
  }

  listFor(operator) {
    if (!this.grouped) {
      if (!this.flat) {
        this.flat = element('ul', 'rows');
        this.container.append(this.flat);
      }
      return this.flat;
    }
    let group = this.groups.get(operator);
    if (!group) {
      group = element('section', 'group');
      group.dataset.operator = operator;
      const heading = element('h3', '', operator ? `Operator ${operator}` : 'No operator');
      heading.id = `group-${operator}`;
      group.setAttribute('aria-labelledby', heading.id);
      group.append(heading, element('ul', 'rows'));
      // groups in the operators' order
      const after = [...this.groups.keys()].sort().find((other) => other > operator);
      this.container.insertBefore(group, after !== undefined ? this.groups.get(after) : null);
      this.groups.set(operator, group);
    }
    return group.querySelector('.rows');
  }

  newRow(id, operator) {
    const row = element('li', 'row');
    row.dataset.conversationId = id;
    const label = element('div', 'who-called');
    label.id = `conversation-label-${++lastElementId}`;
    label.append(element('span', 'caller'), element('span', 'conversation-id', id), element('span', 'others'));
    const state = element('div', 'state');
    state.append(element('span', 'status'), element('span', 'timer'));
    const button = element('button', '');
    button.type = 'button';
    button.setAttribute('aria-describedby', label.id);
    button.addEventListener('click', () => this.onAct(row.conversation, operator));
    const refusal = element('p', 'refusal');
    refusal.setAttribute('role', 'alert');
    row.append(label, state, button, refusal);
    return row;
  }

  fill(row, conversation, operator) {
    row.conversation = conversation;
    const held = conversation.status === 'hold';
    row.classList.toggle('on-hold', held);
    row.querySelector('.caller').textContent = callerText(conversation);
    const others = conversation.operators.filter((other) => other !== (operator ?? this.self));
    row.querySelector('.others').textContent = others.length > 0 ? `with ${others.join(', ')}` : '';
    row.querySelector('.status').textContent = held && conversation.heldBy
      ? `${statusWords('hold')} (${conversation.heldBy})` : statusWords(conversation.status);
    row.since = held ? conversation.since : null;
    row.querySelector('.timer').textContent = '';
    const button = row.querySelector('button');
    button.textContent = held ? 'Resume' : 'Hold';
    // aria-disabled, not disabled: a disabled button loses the keyboard's focus, and the operator its place
    button.setAttribute('aria-disabled', String(conversation.pending));
    button.setAttribute('aria-busy', String(conversation.pending));
    const refusal = row.querySelector('.refusal');
    if (refusal.textContent !== conversation.refusal) {
      refusal.textContent = conversation.refusal;
    }
  }
}

function callerText(conversation) {
  if (conversation.callerName && conversation.caller) {
    return `${conversation.callerName} <${conversation.caller}>`;
  }
  return conversation.caller || 'Conversation';
}

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) {
    made.className = className;
  }
  if (text !== undefined) {
    made.textContent = text;
  }
  return made;
}
