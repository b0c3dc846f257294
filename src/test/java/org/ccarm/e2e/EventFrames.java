package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the event frames and event-stream data the server pushes, checking their layout on the way. */
final class EventFrames {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventFrames() {}

    /** Whether a frame is an event (a name at characters 16-18) rather than an answer (digits). */
    static boolean isEvent(String frame) {
        return !Character.isDigit(frame.charAt(16));
    }

    /** The attributes of an event frame's {@code event} element, after checking the frame's header exactly. */
    static Map<String, String> event(String frame) throws Exception {
        assertTrue(frame.startsWith("01"), frame);
        assertEquals(frame.getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(frame.substring(2, 12)),
                "the true length: " + frame);
        assertEquals("0000", frame.substring(12, 16), frame);
        assertEquals("event" + " ".repeat(27), frame.substring(16, 48), frame);
        return attributes(frame.substring(48));
    }

    /** The attributes of the JSON form of {@code <event .../>}. */
    static Map<String, String> attributes(String json) throws Exception {
        JsonNode document = JSON.readTree(json);
        assertEquals(1, document.size(), json);
        assertEquals("event", document.get(0).get("_name").asText(), json);
        Map<String, String> attributes = new LinkedHashMap<>();
        document.get(0).get("_attributes").properties().forEach(e -> attributes.put(e.getKey(), e.getValue().asText()));
        return attributes;
    }
}
