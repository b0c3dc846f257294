package org.ccarm.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.ccarm.protocol.WireFormat;

/**
 * The JSON form, through the real dispatcher (canonical fast path, Jackson, the tree
 * replayed to the schema): never a 500, never a change on a refusal.
 */
class JsonFormFuzzTest {

    private static final FuzzedServer SERVER = new FuzzedServer();

    @FuzzTest(maxDuration = FuzzBudget.SESSION)
    void anyJsonBody(FuzzedDataProvider data) {
        String command = data.consumeBoolean() ? "call_unhold" : "call_hold";
        SERVER.run("http", command, WireFormat.JSON, data.consumeRemainingAsBytes(), null);
    }
}
