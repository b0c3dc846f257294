package org.ccarm.transport.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.ccarm.dispatch.Admission;
import org.ccarm.dispatch.Call;
import org.ccarm.dispatch.CommandDispatcher;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.WireFormat;
import org.ccarm.transport.WebOrigins;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /<DOMAIN>/service/cc/arm/session}: the {@code session} command without a
 * body, so that a page whose session cookie it cannot read (HttpOnly) learns whether it is
 * logged in, and as whom: 200 with the session (no token), or 401. The answer is XML, or
 * the JSON form when {@code Accept} prefers it. Through the dispatcher like any command:
 * its checks, in their order, and its audit line.
 */
final class SessionServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String COMMAND = "session";

    private final transient PathParams params;
    private final transient CommandDispatcher dispatcher;
    private final transient HttpAnswers answers;
    private final transient WebOrigins origins;

    SessionServlet(String template, CommandDispatcher dispatcher, HttpAnswers answers, WebOrigins origins) {
        this.params = new PathParams(template);
        this.dispatcher = dispatcher;
        this.answers = answers;
        this.origins = origins;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) {
        Call call = Call.startingNow("http", params.of(request).get("domain"), COMMAND, RequestIdHandler.of(request));
        WireFormat format = AcceptHeader.choose(request.getHeader("Accept"), WireFormat.XML);
        CompletableFuture<Admission> admission = dispatcher.admitLater(call,
                new GetChecks(request, response, origins, COMMAND, null)).toCompletableFuture();
        if (admission.isDone()) {
            answer(request, response, answerOf(admission.join()), format);
        } else {
            // the session is being looked up in a store on the network: no thread waits for it
            AsyncCycles.hold(request);
            admission.whenComplete((admitted, failure) -> {
                Answer answer;
                try {
                    answer = admitted != null ? answerOf(admitted) : internalError();
                } catch (RuntimeException e) {
                    // a bug: answered rather than left open (this async cycle has no timeout)
                    LoggerFactory.getLogger(SessionServlet.class).warn("the session query failed after its admission", e);
                    answer = admitted instanceof CommandDispatcher.Admitted a
                            ? a.refuse(ErrorReason.INTERNAL_ERROR, INTERNAL_ERROR) : internalError();
                }
                answer(request, response, answer, format);
            });
        }
    }

    private static final String INTERNAL_ERROR = "the server failed to carry out the command; it has been logged";

    private static Answer internalError() {
        return Answer.error(COMMAND, true, ErrorReason.INTERNAL_ERROR, INTERNAL_ERROR);
    }

    private static Answer answerOf(Admission admission) {
        return admission instanceof CommandDispatcher.Admitted admitted
                ? admitted.execute(new CommandInput(COMMAND, Map.of()))
                : ((Admission.Answered) admission).answer();
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, Answer answer, WireFormat format) {
        response.setHeader("Cache-Control", "no-store"); // who is logged in is never cached
        try {
            answers.write(response, answer, format);
        } catch (IOException e) {
            // the client went away; the call has been audited
        } finally {
            AsyncCycles.complete(request);
        }
    }
}
