// The live list's source: the server's event stream (docs/protocol.md, "Events").
// A snapshot (entries, then snapshot_end) gives the whole list; live events change it.
// After a drop the browser reconnects by itself and sends Last-Event-ID; the server
// replays what was missed, or sends a reset snapshot, which replaces the list.

import { eventsUrl } from './api.js';

export class LiveStream {
  /**
   * handlers: snapshot(Map id -> event attributes), change(attributes),
   * connection('live' | 'reconnecting'), refused() (the stream was answered with an error:
   * ask whether the session lives, then resume() or give up), sessionEnded().
   */
  constructor(handlers) {
    this.handlers = handlers;
    this.source = null;
    this.last = null; // {epoch, seq} of the last event with an id: where to resume
    this.pending = null; // the snapshot being received, until its end
  }

  start() {
    this.open(null);
  }

  /** Opens again after a refusal, from the last event seen (the server replays or resets). */
  resume() {
    this.open(this.last);
  }

  stop() {
    if (this.source) {
      this.source.close();
      this.source = null;
    }
    this.pending = null;
  }

  open(resume) {
    this.stop();
    const source = new EventSource(eventsUrl(resume));
    this.source = source;
    source.onopen = () => {
      this.pending = null; // a snapshot cut off by a drop starts over
      this.handlers.connection('live');
    };
    source.onerror = () => {
      if (this.source !== source) {
        return;
      }
      this.pending = null;
      this.handlers.connection('reconnecting');
      if (source.readyState === EventSource.CLOSED) {
        // an HTTP error (401, 503...): the browser will not retry on its own
        this.stop();
        this.handlers.refused();
      }
      // else CONNECTING: the browser retries with Last-Event-ID
    };
    source.addEventListener('conversation', (message) => this.receive(message));
    source.addEventListener('session', (message) => {
      if (message.data === 'ended') {
        this.stop();
        this.handlers.sessionEnded();
      }
    });
  }

  receive(message) {
    let event;
    try {
      event = JSON.parse(message.data)[0]._attributes;
    } catch (unreadable) {
      return; // not an event of this protocol: nothing to show
    }
    if (event.type === 'snapshot') {
      if (!this.pending) {
        this.pending = new Map();
      }
      this.pending.set(event.conversation_id, event);
      return;
    }
    this.last = { epoch: event.epoch, seq: Number(event.seq) };
    if (event.type === 'snapshot_end') {
      const whole = this.pending || new Map();
      this.pending = null;
      this.handlers.snapshot(whole);
      return;
    }
    this.handlers.change(event);
  }
}
