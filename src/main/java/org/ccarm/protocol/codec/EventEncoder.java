package org.ccarm.protocol.codec;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.events.ConversationEvent;
import org.ccarm.protocol.json.JsonForm;
import org.ccarm.protocol.tree.Element;

/**
 * Writes an event as the {@code event} element the protocol gives it, in its JSON form:
 * {@code <event seq="43" epoch="..." type="conversation" conversation_id="..." status="hold" operator_id="1001" at="..."/>}.
 * A snapshot entry has no {@code seq} (it is no change); {@code snapshot_end} has no
 * conversation; {@code reset="true"} marks a snapshot sent because {@code since} could
 * not be replayed.
 */
public final class EventEncoder {

    /** ISO-8601 UTC, always to the millisecond ({@code ISO_INSTANT} would drop {@code .000}). */
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final JsonForm jsonForm = new JsonForm();
    // the last event written and its bytes: every subscriber of an event is handed the same instance, one after
    // the other, so it is encoded once however many watch it
    private volatile Encoded last;

    private record Encoded(ConversationEvent event, byte[] json) {}

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
        attributes.put("at", AT.format(event.at()));
        if (event.reset()) {
            attributes.put("reset", "true");
        }
        return new Element("event", attributes, List.of());
    }

    /** The compact JSON form, in UTF-8; shared between calls, so callers must not change it. */
    public byte[] json(ConversationEvent event) {
        Encoded encoded = last;
        if (encoded != null && encoded.event() == event) {
            return encoded.json();
        }
        byte[] json = jsonForm.write(element(event));
        last = new Encoded(event, json);
        return json;
    }

    /** The id a resumable event carries in an event stream: {@code <epoch>-<seq>}; null for a snapshot entry. */
    public static String streamId(ConversationEvent event) {
        return event.type() == ConversationEvent.Type.SNAPSHOT ? null : event.epoch() + "-" + event.seq();
    }
}
