package org.ccarm.transport.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.AnswerEncoder;

/**
 * A whole HTTP/1.1 response, bytes ready to write, for the refusals made before Jetty
 * has a request to answer (a connection over the limit, a request head too slow):
 * status line, headers, and the {@code out} document, then the connection closes.
 */
final class RawResponse {

    private final byte[] bytes;

    RawResponse(AnswerEncoder encoder, ErrorReason reason, String detail) {
        this(reason.status(), AnswerEncoder.contentType(WireFormat.XML),
                encoder.encode(Answer.error(Answer.UNKNOWN_CMD, false, reason, detail), WireFormat.XML));
    }

    /** The operations listener's form: {@code {"error": ..., "detail": ...}}, as its other answers. */
    static RawResponse json(ErrorReason reason, String detail) {
        String body = "{\"error\":\"" + reason.code() + "\",\"detail\":\"" + detail.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\"}";
        return new RawResponse(reason.status(), "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private RawResponse(int status, String contentType, byte[] body) {
        String head = "HTTP/1.1 " + status + " " + phrase(status) + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        this.bytes = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
        System.arraycopy(body, 0, bytes, headBytes.length, body.length);
    }

    ByteBuffer buffer() {
        return ByteBuffer.wrap(bytes);
    }

    private static String phrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
