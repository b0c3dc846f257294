package org.ccarm.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SdpTest {

    private static final String TWO_STREAMS = """
            v=0
            o=phone 1 41 IN IP4 192.0.2.7
            s=-
            c=IN IP4 192.0.2.7
            t=0 0
            m=audio 4000 RTP/AVP 0 8
            a=rtpmap:0 PCMU/8000
            a=sendrecv
            m=video 4002 RTP/AVP 96
            a=recvonly
            """;

    private static Sdp sdp(String text) {
        return Sdp.parse(text.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    @Test
    void readsTheVersionAndEachStreamsDirection() {
        Sdp sdp = sdp(TWO_STREAMS);
        assertEquals(41, sdp.version());
        assertEquals(List.of("sendrecv", "recvonly"), sdp.directions());
        assertFalse(sdp.holds());
    }

    @Test
    void aHoldSetsEveryStreamAndKeepsEverythingElse() {
        Sdp held = sdp(TWO_STREAMS).withDirection("inactive").withVersion(42);
        assertEquals(List.of("inactive", "inactive"), held.directions());
        assertEquals(42, held.version());
        assertTrue(held.holds());
        String text = held.toString();
        assertTrue(text.contains("o=phone 1 42 IN IP4 192.0.2.7\r\n"), text);
        assertTrue(text.contains("a=rtpmap:0 PCMU/8000\r\n"), text);
        assertTrue(text.contains("m=video 4002 RTP/AVP 96\r\n"), text);
        assertEquals(2, text.split("a=inactive", -1).length - 1, text);
    }

    @Test
    void aReleaseRestoresEachStreamAsItWas() {
        Sdp original = sdp(TWO_STREAMS);
        Sdp restored = original.withDirection("sendonly").withDirections(original.directions());
        assertEquals(List.of("sendrecv", "recvonly"), restored.directions());
    }

    @Test
    void aSessionLevelDirectionAppliesToStreamsThatNameNone() {
        Sdp sdp = sdp("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\na=sendonly\nt=0 0\nm=audio 5000 RTP/AVP 0\n");
        assertEquals(List.of("sendonly"), sdp.directions());
        assertTrue(sdp.holds(), "a phone's hold");
    }

    @Test
    void theOldHoldAddressHoldsToo() {
        assertTrue(sdp("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 0.0.0.0\nt=0 0\nm=audio 5000 RTP/AVP 0\n").holds());
    }

    @Test
    void whatIsNotSdpIsNone() {
        assertEquals(Optional.empty(), Sdp.parse(new byte[0]));
        assertEquals(Optional.empty(), Sdp.parse("hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Optional.empty(), Sdp.parse(null));
    }
}
