package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.eclipse.jetty.http.BadMessageException;

/**
 * {@code /<DOMAIN>/service/cc/arm/<command>}: makes the HTTP checks in the order
 * PROTOCOL.md section 1 gives (domain, command, method, media type, size) and hands
 * the body to the dispatcher. Mapped once per known command, and once with a
 * {@code {command}} variable to answer unknown commands.
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
        Answer answer = dispatcher.route(call).orElseGet(() -> checkAndExecute(call, mediaType, request, response));
        answers.write(response, answer, reply);
    }

    private Answer checkAndExecute(Call call, Optional<MediaType> mediaType, HttpServletRequest request,
                                   HttpServletResponse response) {
        if (!"POST".equals(request.getMethod())) {
            response.setHeader("Allow", "POST");
            return dispatcher.refuse(call, ErrorReason.METHOD_NOT_ALLOWED,
                    call.command() + " takes POST, not " + request.getMethod());
        }
        if (mediaType.isEmpty()) {
            return dispatcher.refuse(call, ErrorReason.UNSUPPORTED_MEDIA_TYPE, "Content-Type "
                    + request.getHeader("Content-Type") + " is not supported: send application/xml or text/xml "
                    + "(or none) for XML, application/json for the JSON form");
        }
        byte[] body;
        try {
            body = RequestBody.read(request, maxBodyBytes);
        } catch (RequestBody.TooLarge e) {
            return dispatcher.refuse(call, ErrorReason.BODY_TOO_LARGE,
                    "the body is larger than the limit of " + maxBodyBytes + " bytes");
        } catch (IOException | BadMessageException e) {
            return dispatcher.refuse(call, ErrorReason.BAD_REQUEST, "the request body could not be read");
        }
        return dispatcher.execute(call, mediaType.get().format(), body, mediaType.get().charset());
    }
}
