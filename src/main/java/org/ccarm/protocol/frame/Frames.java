package org.ccarm.protocol.frame;

import java.nio.charset.StandardCharsets;
import org.ccarm.protocol.ErrorReason;

/**
 * Reads and writes frames.
 *
 * <pre>
 * request   01 0000000185 0019 call_unhold␣␣␣…(32 wide)  body
 * response  01 0000000218 0019 200                        body
 * event     01 0000000231 0000 event␣␣␣…(32 wide)        body
 * </pre>
 *
 * Reading is lenient, as real clients are: fields by position, the command name
 * padded or not and followed by any whitespace, and a declared length that disagrees
 * with the message tolerated (one websocket message is one frame, so the length adds
 * nothing). Writing is exact: the true length in UTF-8 bytes, the request's id, the
 * status the same command gets over HTTP, and a compact body.
 */
public final class Frames {

    public static final String VERSION = "01";
    /** The id answered when the request's could not be read. */
    public static final String NO_ID = "0000";

    private static final int ID_START = 12;
    private static final int COMMAND_START = 16;
    private static final int COMMAND_WIDTH = 32;
    private static final int RESPONSE_HEADER = 19; // version 2 + length 10 + id 4 + status 3
    private static final int REQUEST_HEADER = 48; // version 2 + length 10 + id 4 + command 32
    /** An event's name and id: laid out as a request, so a client tells it from a response by characters 16-18. */
    private static final String EVENT = "event" + " ".repeat(COMMAND_WIDTH - "event".length());

    private Frames() {}

    public static RequestFrame read(String message) throws FrameException {
        String id = readableId(message);
        if (message.length() <= COMMAND_START) {
            throw new FrameException(ErrorReason.BAD_FRAME, id, "a frame needs at least " + (COMMAND_START + 1)
                    + " characters: version (2), length (10), request id (4), then the command; got " + message.length());
        }
        String version = message.substring(0, 2);
        if (!digits(version)) {
            throw new FrameException(ErrorReason.BAD_FRAME, id, "the version (characters 0-1) must be two digits");
        }
        if (!version.equals(VERSION)) {
            throw new FrameException(ErrorReason.UNSUPPORTED_VERSION, id,
                    "frame version " + version + " is not supported; this server speaks " + VERSION);
        }
        if (!digits(message.substring(2, ID_START))) {
            throw new FrameException(ErrorReason.BAD_FRAME, id, "the length (characters 2-11) must be ten digits");
        }
        if (!digits(message.substring(ID_START, COMMAND_START))) {
            throw new FrameException(ErrorReason.BAD_FRAME, id, "the request id (characters 12-15) must be four digits");
        }
        int end = COMMAND_START;
        while (end < message.length() && end < COMMAND_START + COMMAND_WIDTH && nameChar(message.charAt(end))) {
            end++;
        }
        if (end == COMMAND_START) {
            throw new FrameException(ErrorReason.BAD_FRAME, id, "no command name at character 16");
        }
        int body = end;
        while (body < message.length() && whitespace(message.charAt(body))) {
            body++;
        }
        return new RequestFrame(id, message.substring(COMMAND_START, end), message.substring(body));
    }

    /** The response frame: exact header, {@code body} being the compact JSON form in UTF-8. */
    public static String write(String id, int status, byte[] body) {
        StringBuilder frame = new StringBuilder(RESPONSE_HEADER + body.length);
        String length = Integer.toString(RESPONSE_HEADER + body.length);
        frame.append(VERSION).append("0".repeat(10 - length.length())).append(length)
                .append(id).append(status);
        return frame.append(new String(body, StandardCharsets.UTF_8)).toString();
    }

    /** An event frame the server pushes: laid out as a request frame named {@code event}, id {@code 0000}. */
    public static String writeEvent(byte[] body) {
        StringBuilder frame = new StringBuilder(REQUEST_HEADER + body.length);
        String length = Integer.toString(REQUEST_HEADER + body.length);
        frame.append(VERSION).append("0".repeat(10 - length.length())).append(length).append(NO_ID).append(EVENT);
        return frame.append(new String(body, StandardCharsets.UTF_8)).toString();
    }

    private static String readableId(String message) {
        if (message.length() >= COMMAND_START) {
            String id = message.substring(ID_START, COMMAND_START);
            if (digits(id)) {
                return id;
            }
        }
        return NO_ID;
    }

    private static boolean digits(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) < '0' || text.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean nameChar(char c) {
        return !whitespace(c) && c != '[' && c != '{';
    }

    /** JSON's whitespace. */
    private static boolean whitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
