package org.ccarm.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.ccarm.callcontrol.Caller;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.ccarm.events.ConversationEvent;
import org.ccarm.protocol.frame.Frames;
import org.ccarm.protocol.json.JsonForm;
import org.junit.jupiter.api.Test;

/**
 * The events' JSON written straight (the plain events every change makes) is the JSON the
 * general path writes (an element written by Jackson), byte for byte, for every event:
 * ids of every kind of text, every type and status, instants from 1970 past 9999.
 */
class PlainEventJsonTest {

    private static final String[] TEXTS = {"0647e098a4b48b05", "1001", "a b", "quote\"d", "back\\slash", "tab\there",
            "new\nline", "nul\0", "ü€", "😀", "\u007f", "~!@#$%^&*()_+{}|:<>?", "", "x"};

    @Test
    void everyEventIsWrittenAsTheGeneralPathWritesIt() {
        Random random = new Random(18);
        EventEncoder encoder = new EventEncoder();
        JsonForm general = new JsonForm();
        for (int i = 0; i < 20_000; i++) {
            ConversationEvent event = event(random);
            byte[] expected = general.write(encoder.element(event));
            assertArrayEquals(expected, encoder.json(event), () -> new String(expected, StandardCharsets.UTF_8));
            assertEquals(Frames.writeEvent(expected), encoder.frame(event));
        }
    }

    /** The straight path is the one a change's event takes; text it cannot write goes the general way. */
    @Test
    void aChangesEventIsPlainAndOddTextIsNot() {
        Instant at = Instant.parse("2026-11-25T13:03:39.123Z");
        assertNotNull(PlainEventJson.write(ConversationEvent.change("demo", "0647e098a4b48b05",
                ConversationEvent.Status.HOLD, "1001", at, List.of("1001")).recordedAt("k3j2h1", 43)));
        assertNull(PlainEventJson.write(ConversationEvent.change("demo", "quote\"d", ConversationEvent.Status.HOLD,
                "1001", at, List.of("1001")).recordedAt("k3j2h1", 43)));
        assertNull(PlainEventJson.write(ConversationEvent.change("demo", "c1", ConversationEvent.Status.HOLD, "ü",
                at, List.of("ü")).recordedAt("k3j2h1", 43)));
    }

    /** A page groups and places rows by {@code operators}; an operator taken out of a conversation learns none. */
    @Test
    void anEventNamesTheConversationsOperatorsExceptToOneTakenOut() {
        Instant at = Instant.parse("2026-11-25T13:03:39.123Z");
        ConversationEvent event = ConversationEvent.change("demo", "c1", ConversationEvent.Status.WORKING, null, at,
                List.of("1001", "1002"), List.of("1003")).recordedAt("k3j2h1", 44);
        EventEncoder encoder = new EventEncoder();
        assertEquals("[{\"_name\":\"event\",\"_attributes\":{\"seq\":\"44\",\"epoch\":\"k3j2h1\",\"type\":\"conversation\","
                + "\"conversation_id\":\"c1\",\"status\":\"working\",\"operators\":\"1001 1002\","
                + "\"at\":\"2026-11-25T13:03:39.123Z\"}}]", new String(encoder.json(event), StandardCharsets.UTF_8));
        ConversationEvent toTheOneTakenOut = event.viewFor(Set.of("1003")).orElseThrow();
        assertNull(encoder.element(toTheOneTakenOut).attributes().get("operators"));
        assertEquals("released", encoder.element(toTheOneTakenOut).attributes().get("status"));
    }

    private static ConversationEvent event(Random random) {
        ConversationEvent.Type type = ConversationEvent.Type.values()[random.nextInt(3)];
        Instant at = Instant.ofEpochMilli(switch (random.nextInt(4)) {
            case 0 -> random.nextLong(0, 253_402_300_800_000L); // 1970 to the end of 9999
            case 1 -> 253_402_300_800_000L + random.nextLong(0, 1_000_000_000_000L); // past 9999
            case 2 -> 1_764_075_819_123L;
            default -> random.nextLong(0, 4_000_000_000_000L);
        }).plusNanos(random.nextInt(1_000_000));
        long seq = random.nextInt(3) == 0 ? 0 : random.nextLong(1, Long.MAX_VALUE);
        String epoch = random.nextBoolean() ? "k3j2h1" : text(random);
        if (type == ConversationEvent.Type.SNAPSHOT_END) {
            return ConversationEvent.snapshotEnd("demo", epoch, seq, at, random.nextBoolean());
        }
        ConversationEvent.Status status = ConversationEvent.Status.values()[random.nextInt(3)];
        Caller caller = random.nextInt(3) > 0 ? null
                : new Caller("sip:" + text(random) + "@trunk.example.com", random.nextBoolean() ? null : text(random));
        return new ConversationEvent("demo", epoch, seq, type, text(random), status,
                random.nextBoolean() ? null : text(random), at, operators(random), List.of(), random.nextBoolean(), caller);
    }

    private static List<String> operators(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> List.of();
            case 1 -> List.of("1001");
            case 2 -> List.of("1001", "1002", "9001");
            default -> List.of(text(random), "1001");
        };
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int parts = 1 + random.nextInt(3);
        for (int i = 0; i < parts; i++) {
            text.append(random.nextInt(4) == 0 ? TEXTS[random.nextInt(TEXTS.length)] : Long.toHexString(random.nextLong()));
        }
        return text.toString();
    }
}
