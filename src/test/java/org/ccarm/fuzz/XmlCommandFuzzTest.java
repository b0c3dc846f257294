package org.ccarm.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.ccarm.protocol.WireFormat;

/**
 * The XML reader, through the real dispatcher: any bytes, with or without a charset
 * from the Content-Type, as call_unhold or call_hold. Never a 500, never a change on a
 * refusal ({@link FuzzedServer}). Seeds: {@code src/test/resources/org/ccarm/fuzz/XmlCommandFuzzTestInputs}.
 */
class XmlCommandFuzzTest {

    private static final FuzzedServer SERVER = new FuzzedServer();

    @FuzzTest(maxDuration = FuzzBudget.SESSION)
    void anyXmlBody(FuzzedDataProvider data) {
        String command = data.consumeBoolean() ? "call_unhold" : "call_hold";
        boolean declaredUtf8 = data.consumeBoolean();
        SERVER.run("http", command, WireFormat.XML, data.consumeRemainingAsBytes(), declaredUtf8 ? StandardCharsets.UTF_8 : null);
    }
}
