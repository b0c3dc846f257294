package org.ccarm.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.frame.FrameException;
import org.ccarm.protocol.frame.Frames;
import org.ccarm.protocol.frame.RequestFrame;

/**
 * The websocket frame reader, then the command the frame names, as the endpoint runs
 * it: a bad frame is a 4xx with a readable id, never an exception; the frame written
 * back has its true length.
 */
class FrameFuzzTest {

    private static final FuzzedServer SERVER = new FuzzedServer();

    @FuzzTest(maxDuration = FuzzBudget.SESSION)
    void anyMessage(FuzzedDataProvider data) {
        String message = data.consumeRemainingAsString();
        int status;
        String id;
        try {
            RequestFrame frame = Frames.read(message);
            id = frame.id();
            status = SERVER.run("ws", frame.command(), WireFormat.JSON, frame.body().getBytes(StandardCharsets.UTF_8), null).status();
        } catch (FrameException e) {
            id = e.id();
            status = e.reason().status();
            if (e.reason() != ErrorReason.BAD_FRAME && e.reason() != ErrorReason.UNSUPPORTED_VERSION) {
                throw new AssertionError("a frame refused with " + e.reason());
            }
        }
        String answer = Frames.write(id, status, "[]".getBytes(StandardCharsets.UTF_8));
        if (!answer.substring(2, 12).equals(String.format("%010d", answer.getBytes(StandardCharsets.UTF_8).length))) {
            throw new AssertionError("the answer's length field is not its length: " + answer);
        }
        if (!id.matches("\\d{4}")) {
            throw new AssertionError("an id that is not four digits: " + id);
        }
    }
}
