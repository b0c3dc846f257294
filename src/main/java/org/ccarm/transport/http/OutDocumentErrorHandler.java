package org.ccarm.transport.http;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a malformed request line, headers too large, an ambiguous
 * URI, ...) answer an {@code out} error document too, never an HTML page, and never
 * with a stack trace or Jetty's message.
 */
final class OutDocumentErrorHandler extends ErrorHandler {

    private final AnswerEncoder encoder;

    OutDocumentErrorHandler(AnswerEncoder encoder) {
        this.encoder = encoder;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                 String contentType, List<Charset> charsets, int code,
                                                 String message, Throwable cause) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, AnswerEncoder.contentType(WireFormat.XML));
        response.write(true, ByteBuffer.wrap(body(code)), callback);
        return true;
    }

    private byte[] body(int status) {
        ErrorReason reason = status >= 500 ? ErrorReason.INTERNAL_ERROR : ErrorReason.BAD_REQUEST;
        for (ErrorReason candidate : List.of(ErrorReason.NOT_FOUND, ErrorReason.METHOD_NOT_ALLOWED,
                ErrorReason.BODY_TOO_LARGE, ErrorReason.UNSUPPORTED_MEDIA_TYPE)) {
            if (candidate.status() == status) {
                reason = candidate;
            }
        }
        String detail = status >= 500
                ? "the server failed to answer; it has been logged"
                : "the HTTP request was refused with status " + status + " before it reached a command";
        return encoder.encode(Answer.error(Answer.UNKNOWN_CMD, false, reason, detail), WireFormat.XML);
    }
}
