package org.ccarm.transport.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.ccarm.fuzz.FuzzBudget;
import java.nio.charset.StandardCharsets;
import org.ccarm.protocol.WireFormat;

/**
 * The header parsers a client's text reaches before anything else: Content-Type and
 * Accept. Any text is read without an exception (a 415 or the request's own format, never
 * a 500), and a media type that is accepted is one the API speaks.
 */
class HeaderFuzzTest {

    @FuzzTest(maxDuration = FuzzBudget.SESSION)
    void anyContentTypeAndAccept(FuzzedDataProvider data) {
        String contentType = data.consumeString(300);
        String accept = data.consumeRemainingAsString();
        MediaType.parse(contentType).ifPresent(type -> {
            if (type.format() == WireFormat.JSON && type.charset() != null && !type.charset().equals(StandardCharsets.UTF_8)) {
                throw new AssertionError("JSON accepted in " + type.charset());
            }
        });
        MediaType.answerFormat(contentType);
        if (AcceptHeader.choose(accept, WireFormat.XML) == null || AcceptHeader.choose(accept, WireFormat.JSON) == null) {
            throw new AssertionError("no format chosen for Accept: " + accept);
        }
    }
}
