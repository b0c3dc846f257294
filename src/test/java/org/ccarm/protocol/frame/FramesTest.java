package org.ccarm.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FramesTest {

    private static final String BODY = "[{\"_name\":\"in\"}]";

    @Test
    void readsTheExactFormatWithAPaddedName() throws Exception {
        RequestFrame frame = Frames.read("0100000000640019call_unhold                     " + BODY);
        assertEquals(new RequestFrame("0019", "call_unhold", BODY), frame);
    }

    @Test
    void readsTheDocumentationStyleWithTheNameTrimmedALineBreakAndAWrongLength() throws Exception {
        RequestFrame frame = Frames.read("0100000001850019call_unhold\n[\n  {\n    \"_name\": \"in\"\n  }\n]   ");
        assertEquals("0019", frame.id());
        assertEquals("call_unhold", frame.command());
        assertEquals("[\n  {\n    \"_name\": \"in\"\n  }\n]   ", frame.body());
    }

    @Test
    void theNameEndsAtABracketOrAfterThirtyTwoCharacters() throws Exception {
        assertEquals("call_hold", Frames.read("0100000000000001call_hold" + BODY).command());
        assertEquals("call_hold", Frames.read("0100000000000001call_hold{").command());
        String longName = "x".repeat(40);
        RequestFrame frame = Frames.read("0100000000000001" + longName);
        assertEquals("x".repeat(32), frame.command());
        assertEquals("x".repeat(8), frame.body());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0100000000        | bad_frame           | 0000",
            "0100000000640019  | bad_frame           | 0019",
            "010000000064001   | bad_frame           | 0000",
            "0200000000640019call_unhold | unsupported_version | 0019",
            "xx00000000640019call_unhold | bad_frame           | 0019",
            "01000000x0640019call_unhold | bad_frame           | 0019",
            "0100000000640x19call_unhold | bad_frame           | 0000",
            "0100000000640019   [{}]     | bad_frame           | 0019",
    })
    void aBadHeaderIsRefusedWithTheIdWhenReadable(String message, String reason, String id) {
        FrameException e = assertThrows(FrameException.class, () -> Frames.read(message));
        assertEquals(reason, e.reason().code(), e.detail());
        assertEquals(id, e.id());
    }

    @Test
    void writesTheTrueLengthInUtf8Bytes() {
        byte[] body = "[\"caf\u00e9\"]".getBytes(StandardCharsets.UTF_8); // 9 bytes, 8 characters
        assertEquals("0100000000280019403[\"caf\u00e9\"]", Frames.write("0019", 403, body));
    }
}
