package org.ccarm.callcontrol;

import static org.ccarm.callcontrol.Conversations.SOME_TIME;
import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The one description of a conversation's state that the stores, the feed and the events derive from. */
class ConversationCodecTest {

    @Test
    void aHeldConversationHasEveryFieldInOrder() {
        Map<String, Object> values = ConversationCodec.values(heldBy("1002", "demo", "c1", "1001", "1002"));
        assertEquals(List.of("operators", "held_by", "held_since"), List.copyOf(values.keySet()));
        assertEquals(List.of("1001", "1002"), values.get("operators"));
        assertEquals("1002", values.get("held_by"));
        assertEquals(SOME_TIME, values.get("held_since"));
    }

    @Test
    void aFreeConversationHasNoHoldFields() {
        assertEquals(Map.of("operators", List.of("1001")), ConversationCodec.values(free("demo", "c1", "1001")));
    }

    /** Any text survives the round trip, the codec's own separators and digits too. */
    @ParameterizedTest
    @ValueSource(strings = {"1001", "12:34", "3:abc", "", "x", "ü€😀", "held_by", "5:held_by3:abc"})
    void theTextReadsBackAsTheSameStateWhateverTheOperatorIds(String odd) {
        List<String> operators = odd.isEmpty() ? List.of("1001") : List.of(odd, "1001");
        Conversation held = Conversation.of("demo", "c1", operators, java.util.Optional.of(new Hold("1001", SOME_TIME)), 9);
        assertEquals(held, ConversationCodec.decode("demo", "c1", 9, ConversationCodec.encode(held)));
        Conversation unheld = Conversation.of("demo", "c1", operators, java.util.Optional.empty(), 3);
        assertEquals(unheld, ConversationCodec.decode("demo", "c1", 3, ConversationCodec.encode(unheld)));
    }

    @Test
    void valuesReadBackAsTheSameConversation() {
        Conversation held = heldBy("1001", "demo", "c1", "1001", "1002");
        assertEquals(held, ConversationCodec.fromValues("demo", "c1", 0, ConversationCodec.values(held)));
    }

    @Test
    void anUnknownFieldAWrongTypeOrAStateTheRecordRefusesIsRefused() {
        Map<String, Object> unknown = new LinkedHashMap<>(Map.of("operators", List.of("1001"), "colour", "red"));
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.fromValues("demo", "c1", 0, unknown));
        Map<String, Object> wrongType = Map.of("operators", List.of("1001"), "held_by", 1001);
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.fromValues("demo", "c1", 0, wrongType));
        Map<String, Object> noOperators = Map.of("operators", List.of());
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.fromValues("demo", "c1", 0, noOperators));
        Map<String, Object> outsider = Map.of("operators", List.of("1001"), "held_by", "1002", "held_since", SOME_TIME);
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.fromValues("demo", "c1", 0, outsider));
        Map<String, Object> noStart = Map.of("operators", List.of("1001"), "held_by", "1001");
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.fromValues("demo", "c1", 0, noStart));
    }

    @Test
    void aTextNotWrittenByTheCodecIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.decode("demo", "c1", 1, "no colon here"));
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.decode("demo", "c1", 1, "6:colour3:red"));
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.decode("demo", "c1", 1, "9:operators"));
    }

    @Test
    void aCallersFieldsReadBackAndNeedTheirUri() {
        Conversation call = Conversation.of("demo", "c9", List.of("1001"), Optional.empty(),
                Optional.of(new Caller("sip:+4930123456@trunk.example.com", "Ada \"Caller\" 7:1")), 3);
        assertEquals(call, ConversationCodec.decode("demo", "c9", 3, ConversationCodec.encode(call)));
        assertEquals(call, ConversationCodec.fromValues("demo", "c9", 3, ConversationCodec.values(call)));
        assertThrows(IllegalArgumentException.class, () -> ConversationCodec.fromValues("demo", "c9", 1,
                Map.of(ConversationCodec.OPERATORS, List.of("1001"), ConversationCodec.CALLER_NAME, "Ada")));
        assertTrue(ConversationCodec.FIELDS.stream().filter(f -> f.name().startsWith("caller")).noneMatch(
                ConversationCodec.Field::reported), "the switch feed cannot set them");
    }
}
