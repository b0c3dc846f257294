package org.ccarm.protocol.codec;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.events.ConversationEvent;
import org.ccarm.protocol.frame.Frames;
import org.ccarm.protocol.json.JsonForm;
import org.ccarm.protocol.tree.Element;

/**
 * Writes an event as the {@code event} element the protocol gives it, in its JSON form:
 * {@code <event seq="43" epoch="..." type="conversation" conversation_id="..." status="hold" operator_id="1001"
 * operators="1001 1002" at="..."/>}. {@code operators} (the conversation's, separated by
 * spaces) lets a page place and group a row without asking again; an event telling an
 * operator taken out of a conversation that it ended names none.
 * A snapshot entry has no {@code seq} (it is no change); {@code snapshot_end} has no
 * conversation; {@code reset="true"} marks a snapshot sent because {@code since} could
 * not be replayed.
 */
public final class EventEncoder {

    /** ISO-8601 UTC, always to the millisecond ({@code ISO_INSTANT} would drop {@code .000}). */
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final JsonForm jsonForm = new JsonForm();
    // the last event written and its forms: every subscriber of an event is handed the same instance, one after
    // the other, so it is encoded once however many watch it
    private volatile Encoded last;

    private static final class Encoded {
        final ConversationEvent event;
        final byte[] json;
        volatile String frame; // made by the first websocket subscriber that needs it

        Encoded(ConversationEvent event, byte[] json) {
            this.event = event;
            this.json = json;
        }
    }

    public Element element(ConversationEvent event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (event.seq() > 0 || event.type() == ConversationEvent.Type.SNAPSHOT_END) {
            attributes.put("seq", Long.toString(event.seq()));
        }
        attributes.put("epoch", event.epoch());
        attributes.put("type", event.type().wire());
        if (event.conversationId() != null) {
            attributes.put("conversation_id", event.conversationId());
            attributes.put("status", event.status().wire());
        }
        if (event.operatorId() != null) {
            attributes.put("operator_id", event.operatorId());
        }
        if (!event.operators().isEmpty()) {
            attributes.put("operators", String.join(" ", event.operators()));
        }
        if (event.caller() != null) {
            attributes.put("caller", event.caller().uri());
            if (event.caller().name() != null) {
                attributes.put("caller_name", event.caller().name());
            }
        }
        attributes.put("at", at(event.at()));
        if (event.reset()) {
            attributes.put("reset", "true");
        }
        return new Element("event", attributes, List.of());
    }

    /** The compact JSON form, in UTF-8; shared between calls, so callers must not change it. */
    public byte[] json(ConversationEvent event) {
        return encoded(event).json;
    }

    /** The event as a websocket frame ({@link Frames#writeEvent}), made once per event however many receive it. */
    public String frame(ConversationEvent event) {
        Encoded encoded = encoded(event);
        String frame = encoded.frame;
        if (frame == null) {
            frame = Frames.writeEvent(encoded.json);
            encoded.frame = frame;
        }
        return frame;
    }

    private Encoded encoded(ConversationEvent event) {
        Encoded encoded = last;
        if (encoded != null && encoded.event == event) {
            return encoded;
        }
        byte[] json = PlainEventJson.write(event);
        encoded = new Encoded(event, json != null ? json : jsonForm.write(element(event)));
        last = encoded;
        return encoded;
    }

    /** {@code at}, as the protocol writes instants. */
    static String at(Instant at) {
        return AT.format(at);
    }

    /** The id a resumable event carries in an event stream: {@code <epoch>-<seq>}; null for a snapshot entry. */
    public static String streamId(ConversationEvent event) {
        return event.type() == ConversationEvent.Type.SNAPSHOT ? null : event.epoch() + "-" + event.seq();
    }
}
