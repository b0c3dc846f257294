package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.ccarm.dispatch.Admission;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.dispatch.Rejection;
import org.ccarm.dispatch.TransportChecks;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.eclipse.jetty.http.HttpException;

/**
 * {@code /<DOMAIN>/service/cc/arm/<command>}: hands the dispatcher the HTTP checks
 * (method, media type), which it asks in the protocol's order, then reads the body of
 * an admitted call. Mapped once per known command, and once with a {@code {command}}
 * variable to answer unknown commands.
 */
final class CommandServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PathParams params;
    private final String command; // null: read from the path
    private final transient CommandDispatcher dispatcher;
    private final transient HttpAnswers answers;
    private final int maxBodyBytes;

    CommandServlet(String template, String command, CommandDispatcher dispatcher, HttpAnswers answers, int maxBodyBytes) {
        this.params = new PathParams(template);
        this.command = command;
        this.dispatcher = dispatcher;
        this.answers = answers;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var path = params.of(request);
        Call call = Call.startingNow("http", path.get("domain"), command != null ? command : path.get("command"));
        // the raw header: Jetty's getContentType() throws on a charset it does not know
        String contentType = request.getHeader("Content-Type");
        Optional<MediaType> mediaType = MediaType.parse(contentType);
        WireFormat reply = AcceptHeader.choose(request.getHeader("Accept"), MediaType.answerFormat(contentType));
        Admission admission = dispatcher.admit(call, new HttpChecks(call.command(), request, response, mediaType));
        Answer answer = admission.orElse(admitted -> readAndExecute(admitted, mediaType.orElseThrow(), request));
        answers.write(response, answer, reply);
    }

    private Answer readAndExecute(CommandDispatcher.Admitted call, MediaType mediaType, HttpServletRequest request) {
        byte[] body;
        try {
            body = RequestBody.read(request, maxBodyBytes);
        } catch (RequestBody.TooLarge e) {
            return call.refuse(ErrorReason.BODY_TOO_LARGE, "the body is larger than the limit of " + maxBodyBytes + " bytes");
        } catch (IOException | HttpException.RuntimeException e) {
            return call.refuse(ErrorReason.BAD_REQUEST, "the request body could not be read");
        }
        return call.execute(mediaType.format(), body, mediaType.charset());
    }

    /** The checks of an HTTP request, as the dispatcher asks them. */
    private record HttpChecks(String command, HttpServletRequest request, HttpServletResponse response,
                              Optional<MediaType> parsedType) implements TransportChecks {
        @Override
        public Optional<Rejection> method() {
            if ("POST".equals(request.getMethod())) {
                return Optional.empty();
            }
            response.setHeader("Allow", "POST");
            return Optional.of(new Rejection(ErrorReason.METHOD_NOT_ALLOWED,
                    command + " takes POST, not " + request.getMethod()));
        }

        @Override
        public Optional<Rejection> mediaType() {
            return parsedType.isPresent() ? Optional.empty() : Optional.of(new Rejection(ErrorReason.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + request.getHeader("Content-Type") + " is not supported: send application/xml or "
                            + "text/xml (or none) for XML, application/json for the JSON form (UTF-8)"));
        }
    }
}
