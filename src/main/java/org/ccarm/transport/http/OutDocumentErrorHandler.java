package org.ccarm.transport.http;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own refusals (a malformed request line, headers too large, an HTTP version
 * it does not speak, a request arriving while the server stops, ...) answer an
 * {@code out} error document too, never an HTML page, and never with a stack trace or
 * Jetty's message. Each status Jetty chose becomes the reason that says what happened,
 * and the answer carries that reason's own status, so a status and its reason always
 * agree (Jetty's rarer 4xx, such as 417, are answered as 400 {@code bad_request}).
 */
final class OutDocumentErrorHandler extends ErrorHandler {

    private static final Map<Integer, ErrorReason> BY_STATUS = Map.of(
            400, ErrorReason.BAD_REQUEST,
            404, ErrorReason.NOT_FOUND,
            405, ErrorReason.METHOD_NOT_ALLOWED,
            408, ErrorReason.REQUEST_TIMEOUT,
            413, ErrorReason.BODY_TOO_LARGE,
            414, ErrorReason.URI_TOO_LONG,
            415, ErrorReason.UNSUPPORTED_MEDIA_TYPE,
            431, ErrorReason.HEADERS_TOO_LARGE,
            503, ErrorReason.SHUTTING_DOWN, // the only 503 Jetty makes here: a request while the server stops
            505, ErrorReason.HTTP_VERSION_NOT_SUPPORTED);

    private final AnswerEncoder encoder;
    private static final Pattern API_PATH = Pattern.compile("/([^/]+)/service/cc/arm/.*");
    private final Set<String> domains;

    OutDocumentErrorHandler(AnswerEncoder encoder, Set<String> domains) {
        this.encoder = encoder;
        this.domains = Set.copyOf(domains);
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                 String contentType, List<Charset> charsets, int code,
                                                 String message, Throwable cause) {
        ErrorReason named = named(code, message);
        ErrorReason reason = named != null ? named : reason(code, request);
        String detail = named != null ? message.substring(named.code().length() + 2) : detail(reason);
        response.setStatus(reason.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, AnswerEncoder.contentType(WireFormat.XML));
        if (reason == ErrorReason.NOT_AUTHENTICATED) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"cc-arm-server\"");
        }
        response.write(true, ByteBuffer.wrap(encoder.encode(
                Answer.error(Answer.UNKNOWN_CMD, false, reason, detail), WireFormat.XML)), callback);
        return true;
    }

    /**
     * The reason a refusal of our own names at the start of its message, as the websocket
     * upgrade does ({@code "forbidden_origin: a page of ..."}), when its status agrees.
     */
    private static ErrorReason named(int code, String message) {
        if (message == null) {
            return null;
        }
        int colon = message.indexOf(": ");
        if (colon <= 0) {
            return null;
        }
        String code0 = message.substring(0, colon);
        for (ErrorReason reason : ErrorReason.values()) {
            if (reason.code().equals(code0) && reason.status() == code) {
                return reason;
            }
        }
        return null;
    }

    private ErrorReason reason(int code, Request request) {
        if (code == 404 && request != null) {
            // the websocket refuses an upgrade to an unknown domain with a plain 404
            var api = API_PATH.matcher(Request.getPathInContext(request));
            if (api.matches() && !domains.contains(api.group(1))) {
                return ErrorReason.UNKNOWN_DOMAIN;
            }
        }
        return BY_STATUS.getOrDefault(code, code >= 500 ? ErrorReason.INTERNAL_ERROR : ErrorReason.BAD_REQUEST);
    }

    private static String detail(ErrorReason reason) {
        return switch (reason) {
            case SHUTTING_DOWN -> "the server is shutting down; send the request to another instance";
            case INTERNAL_ERROR -> "the server failed to answer; it has been logged";
            case HTTP_VERSION_NOT_SUPPORTED -> "this server speaks HTTP/1.1 and HTTP/1.0";
            case URI_TOO_LONG, HEADERS_TOO_LARGE -> "the request's head is larger than the limit";
            case REQUEST_TIMEOUT -> "the request did not arrive in time";
            case UNKNOWN_DOMAIN -> "the domain is not served here";
            default -> "the HTTP request was refused before it reached a command";
        };
    }
}
