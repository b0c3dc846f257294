package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Optional;
import org.ccarm.config.Limits;
import org.ccarm.dispatch.Admission;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.dispatch.Rejection;
import org.ccarm.dispatch.TransportChecks;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;

/**
 * {@code /<DOMAIN>/service/cc/arm/<command>}: hands the dispatcher the HTTP checks
 * (method, media type), which it asks in the protocol's order, then reads the body of
 * an admitted call without holding a thread ({@link BodyReader}) and answers when the
 * command has run. Mapped once per known command, and once with a {@code {command}}
 * variable to answer unknown commands.
 */
final class CommandServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient PathParams params;
    private final String command; // null: read from the path
    private final transient CommandDispatcher dispatcher;
    private final transient HttpAnswers answers;
    private final transient Limits limits;

    CommandServlet(String template, String command, CommandDispatcher dispatcher, HttpAnswers answers, Limits limits) {
        this.params = new PathParams(template);
        this.command = command;
        this.dispatcher = dispatcher;
        this.answers = answers;
        this.limits = limits;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        var path = params.of(request);
        Call call = Call.startingNow("http", path.get("domain"), command != null ? command : path.get("command"),
                RequestIdHandler.of(request));
        // the raw header: Jetty's getContentType() throws on a charset it does not know
        String contentType = request.getHeader("Content-Type");
        Optional<MediaType> mediaType = MediaType.parse(contentType);
        WireFormat reply = AcceptHeader.choose(request.getHeader("Accept"), MediaType.answerFormat(contentType));
        Admission admission = dispatcher.admit(call, new HttpChecks(call.command(), request, response, mediaType));
        if (admission instanceof CommandDispatcher.Admitted admitted) {
            MediaType type = mediaType.orElseThrow(); // the media type check passed
            BodyReader.read(request, limits, new BodyReader.Receiver() {
                @Override
                public void body(byte[] body) {
                    answer(response, admitted.execute(type.format(), body, type.charset()), reply);
                }

                @Override
                public void refused(ErrorReason reason, String detail) {
                    answer(response, admitted.refuse(reason, detail), reply);
                }
            });
        } else {
            answers.write(response, ((Admission.Answered) admission).answer(), reply);
        }
    }

    private void answer(HttpServletResponse response, Answer answer, WireFormat format) {
        try {
            answers.write(response, answer, format);
        } catch (IOException e) {
            // the client went away; the call has been audited and there is no one left to answer
        }
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
            if (Collections.list(request.getHeaders("Content-Type")).size() > 1) {
                return Optional.of(new Rejection(ErrorReason.BAD_REQUEST,
                        "the request has more than one Content-Type header; which one is meant?"));
            }
            String encoding = request.getHeader("Content-Encoding");
            if (encoding != null) {
                return Optional.of(new Rejection(ErrorReason.UNSUPPORTED_MEDIA_TYPE,
                        "Content-Encoding " + encoding + " is not supported: send the document as it is"));
            }
            return parsedType.isPresent() ? Optional.empty() : Optional.of(new Rejection(ErrorReason.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type " + request.getHeader("Content-Type") + " is not supported: send application/xml or "
                            + "text/xml (or none) for XML, application/json for the JSON form (UTF-8)"));
        }
    }
}
