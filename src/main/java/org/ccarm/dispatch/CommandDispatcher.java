package org.ccarm.dispatch;

import java.nio.charset.Charset;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.ccarm.audit.AuditEntry;
import org.ccarm.audit.AuditLog;
import org.ccarm.auth.Authentication;
import org.ccarm.auth.Session;
import org.ccarm.command.Command;
import org.ccarm.command.CommandCatalog;
import org.ccarm.command.CommandContext;
import org.ccarm.command.Outcome;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.metrics.Metrics;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.RequestDecoder;
import org.ccarm.store.StoreUnavailableException;
import org.slf4j.LoggerFactory;

/**
 * The one way in for every transport. It owns the protocol's order of checks, so that a
 * transport cannot get it wrong: {@link #admit} checks the domain, the command, the
 * transport's method, whether the server is shutting down, the session (401 without
 * one when the command needs it), the origin of a browser's call, then the transport's
 * media type; the transport reads the body and hands it to the {@link Admitted} call, which
 * decodes it, runs the command and maps its outcome. Every call ends in exactly one
 * audit line.
 */
public final class CommandDispatcher {

    private static final RateLimitedLog FAILURES =
            new RateLimitedLog(LoggerFactory.getLogger(CommandDispatcher.class), 1, TimeUnit.MINUTES);
    /** Refusals of calls without a session, said at most once a minute per reason with a count (see {@link #audited}). */
    private static final RateLimitedLog ANONYMOUS_REFUSALS =
            new RateLimitedLog(LoggerFactory.getLogger("org.ccarm.refused"), 1, TimeUnit.MINUTES);

    private final Set<String> domains;
    private final CommandCatalog catalog;
    private final RequestDecoder decoder;
    private final AuditLog audit;
    private final Clock clock;
    private final Metrics metrics;
    private final Authentication authentication;
    private final boolean sessionRequired;
    private final Executor continuations;
    private volatile boolean shuttingDown;

    /**
     * With {@code sessionRequired}, every command but login needs a live session; without,
     * a call that presents one still acts as its operator, and one that does not acts as
     * before sessions existed.
     */
    public CommandDispatcher(Set<String> domains, CommandCatalog catalog, AuditLog audit, Metrics metrics, Clock clock,
                             Authentication authentication, boolean sessionRequired) {
        this(domains, catalog, audit, metrics, clock, authentication, sessionRequired, Runnable::run);
    }

    /**
     * As above; a command that waited on the network is finished (audited, answered) on
     * {@code continuations}, not on the network client's own thread, which an audit that
     * waits for the disk must not hold up.
     */
    public CommandDispatcher(Set<String> domains, CommandCatalog catalog, AuditLog audit, Metrics metrics, Clock clock,
                             Authentication authentication, boolean sessionRequired, Executor continuations) {
        this.continuations = continuations;
        this.authentication = authentication;
        this.sessionRequired = sessionRequired;
        this.domains = Set.copyOf(domains);
        this.catalog = catalog;
        this.decoder = new RequestDecoder(catalog.canonicalFastPaths());
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** False once the server has begun to stop: readiness answers 503. */
    public boolean isAccepting() {
        return !shuttingDown;
    }

    public boolean servesDomain(String domain) {
        return domains.contains(domain);
    }

    /** A connection held open in a session counts as its use (a ping): at most once a second per session. */
    public void countAsUse(String domain, String tokenHash) {
        authentication.touch(domain, tokenHash);
    }

    /** From now on new calls are refused with 503 {@code shutting_down}; calls already admitted complete. */
    public void beginShutdown() {
        shuttingDown = true;
    }

    /**
     * The checks before the body, in the protocol's order; the first that fails answers.
     * The session is looked up without a thread waiting for the store: the verdict comes
     * when the store answers (at once for a store in this process, or without credentials).
     */
    public CompletionStage<Admission> admitLater(Call call, TransportChecks checks) {
        Command<?> command = catalog.find(call.command());
        Admission refused = beforeSession(call, command, checks);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        Optional<Credentials> credentials = checks.credentials();
        CompletableFuture<Resolution> resolving = resolveLater(call.domain(), credentials).toCompletableFuture();
        return resolving.isDone()
                ? CompletableFuture.completedFuture(withSession(call, command, checks, credentials, resolving.join()))
                : resolving.thenApplyAsync(resolution -> withSession(call, command, checks, credentials, resolution),
                        continuations);
    }

    /** The checks before the session's: domain, command, method, shutdown; null when all pass. */
    private Admission beforeSession(Call call, Command<?> command, TransportChecks checks) {
        if (!servesDomain(call.domain())) {
            return answered(call, ErrorReason.UNKNOWN_DOMAIN, "domain " + call.domain() + " is not served here");
        }
        if (command == null) {
            return answered(call, ErrorReason.UNKNOWN_COMMAND, "command " + call.command()
                    + " is not known; known commands: " + String.join(", ", catalog.names()));
        }
        Optional<Rejection> method = checks.method();
        if (method.isPresent()) {
            return answered(call, method.get().reason(), method.get().detail());
        }
        if (shuttingDown) {
            return answered(call, ErrorReason.SHUTTING_DOWN, "the server is shutting down; send the command to another instance");
        }
        return null;
    }

    /** The session's check and those after it: origin, media type. */
    private Admission withSession(Call call, Command<?> command, TransportChecks checks, Optional<Credentials> credentials,
                                  Resolution resolution) {
        if (resolution.refusal() != null) {
            return answered(call, resolution.refusal(), resolution.detail());
        }
        Optional<Session> session = resolution.session();
        String sessionOperator = session.map(Session::operatorId).orElse(null);
        if (sessionRequired && command.requiresSession() && session.isEmpty()) {
            return new Admission.Answered(refuse(call, ErrorReason.NOT_AUTHENTICATED, credentials.isEmpty()
                    ? call.command() + " needs a session: log in first (login), then send its cookie or Authorization: Bearer"
                    : "the session has ended or expired, or is not one of domain " + call.domain() + ": log in again",
                    null));
        }
        Optional<Rejection> origin = checks.origin(credentials);
        if (origin.isPresent()) {
            return new Admission.Answered(refuse(call, origin.get().reason(), origin.get().detail(), sessionOperator));
        }
        Optional<Rejection> mediaType = checks.mediaType(credentials);
        if (mediaType.isPresent()) {
            return new Admission.Answered(refuse(call, mediaType.get().reason(), mediaType.get().detail(), sessionOperator));
        }
        return new Admitted(call, command, session, checks);
    }

    /** What a call's credentials come to: the session they open (empty: none), its token, or a refusal. */
    private record Resolution(Optional<Session> session, String token, ErrorReason refusal, String detail) {
        static Resolution refused(ErrorReason reason, String detail) {
            return new Resolution(Optional.empty(), null, reason, detail);
        }
    }

    /**
     * The one live session among the tokens a call presents: of several session cookies
     * (a sibling service on the same host can plant one), the one that is a live session of
     * the domain is used; two live ones are ambiguous (400), as are two Authorization headers.
     */
    private Resolution resolve(String domain, Optional<Credentials> credentials) {
        Resolution plain = withoutLookup(credentials);
        if (plain != null) {
            return plain;
        }
        try {
            List<String> tokens = credentials.get().tokens();
            List<Optional<Session>> sessions = new ArrayList<>();
            for (String token : tokens) {
                sessions.add(authentication.resolve(domain, token));
            }
            return oneLive(domain, tokens, sessions);
        } catch (StoreUnavailableException e) {
            return UNCHECKED;
        }
    }

    /** {@link #resolve} without a thread waiting for the store: every token is looked up at once. */
    private CompletionStage<Resolution> resolveLater(String domain, Optional<Credentials> credentials) {
        Resolution plain = withoutLookup(credentials);
        if (plain != null) {
            return CompletableFuture.completedFuture(plain);
        }
        List<String> tokens = credentials.get().tokens();
        List<CompletableFuture<Optional<Session>>> lookups = tokens.stream()
                .map(token -> authentication.resolveLater(domain, token).toCompletableFuture()).toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
            if (failure != null) {
                if (StoreUnavailableException.in(failure).isPresent()) {
                    return UNCHECKED;
                }
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return oneLive(domain, tokens, lookups.stream().map(CompletableFuture::join).toList());
        });
    }

    private static final Resolution UNCHECKED = Resolution.refused(ErrorReason.STORE_UNAVAILABLE,
            "the session cannot be checked now: the store cannot be reached; nothing was changed; try again shortly");

    /** What credentials come to without asking the store: nothing, or ambiguous; null when they must be looked up. */
    private static Resolution withoutLookup(Optional<Credentials> credentials) {
        if (credentials.isEmpty()) {
            return new Resolution(Optional.empty(), null, null, null);
        }
        if (credentials.get().kind() == Credentials.Kind.AMBIGUOUS) {
            return Resolution.refused(ErrorReason.BAD_REQUEST, "the request carries two Authorization headers, or more "
                    + "than " + Credentials.MAX_COOKIES + " ccarm_session cookies: which one is meant?");
        }
        return null;
    }

    /** The one live session among those the tokens opened; two are ambiguous. */
    private static Resolution oneLive(String domain, List<String> tokens, List<Optional<Session>> sessions) {
        Session live = null;
        String liveToken = null;
        for (int i = 0; i < tokens.size(); i++) {
            if (sessions.get(i).isPresent()) {
                if (live != null) {
                    return Resolution.refused(ErrorReason.BAD_REQUEST, "the request carries two live sessions of "
                            + "domain " + domain + ": which one is meant? Log out of one");
                }
                live = sessions.get(i).get();
                liveToken = tokens.get(i);
            }
        }
        return new Resolution(Optional.ofNullable(live), liveToken, null, null);
    }

    /** A websocket upgrade's verdict: refused with a reason, or admitted acting in the session of {@code token} (null: none). */
    public record ConnectionAdmission(ErrorReason refusal, String detail, String token) {
        public boolean admitted() {
            return refusal == null;
        }
    }

    /**
     * The checks of a websocket upgrade, in the commands' order: the domain, whether the
     * server is stopping, the session its credentials open (credentials that open none:
     * 401; none at all: the connection opens, and may log in with a frame), then the origin.
     * A refused upgrade is no command call: counted and logged at a bounded rate, not audited.
     */
    public ConnectionAdmission admitConnection(String domain, TransportChecks checks) {
        ConnectionAdmission verdict = connectionVerdict(domain, checks);
        if (!verdict.admitted()) {
            metrics.websocketUpgradeRefused(verdict.refusal().code());
            ANONYMOUS_REFUSALS.warn("upgrade " + verdict.refusal().code(), "refused websocket upgrades (the last: "
                    + verdict.refusal().status() + " " + verdict.refusal().code() + " in domain " + domain + ")", null);
        }
        return verdict;
    }

    private ConnectionAdmission connectionVerdict(String domain, TransportChecks checks) {
        if (!servesDomain(domain)) {
            return new ConnectionAdmission(ErrorReason.UNKNOWN_DOMAIN, "domain " + domain + " is not served here", null);
        }
        if (shuttingDown) {
            return new ConnectionAdmission(ErrorReason.SHUTTING_DOWN, "the server is shutting down; connect to another "
                    + "instance", null);
        }
        Optional<Credentials> credentials = checks.credentials();
        Resolution resolution = resolve(domain, credentials);
        if (resolution.refusal() != null) {
            return new ConnectionAdmission(resolution.refusal(), resolution.detail(), null);
        }
        if (credentials.isPresent() && resolution.session().isEmpty()) {
            return new ConnectionAdmission(ErrorReason.NOT_AUTHENTICATED, "the session has ended or expired, or is not "
                    + "one of domain " + domain + ": log in again", null);
        }
        Optional<Rejection> origin = checks.origin(credentials);
        if (origin.isPresent()) {
            return new ConnectionAdmission(origin.get().reason(), origin.get().detail(), null);
        }
        return new ConnectionAdmission(null, null, resolution.token());
    }

    /**
     * A call refused before it could be routed at all (a websocket message that is not
     * a frame): answered with {@code cmd="unknown"}, and audited.
     */
    public Answer refuseUnrouted(Call call, ErrorReason reason, String detail) {
        return refuse(call, reason, detail, null);
    }

    private Admission answered(Call call, ErrorReason reason, String detail) {
        return new Admission.Answered(refuse(call, reason, detail, null));
    }

    private Answer refuse(Call call, ErrorReason reason, String detail, String sessionOperator) {
        Answer answer = Answer.error(call.command(), catalog.find(call.command()) != null, reason, detail);
        audit(call, answer, null, sessionOperator);
        return answer;
    }

    /**
     * Writes the call's audit line, when it is one the trail keeps, and counts it in the
     * metrics whatever it is. The rule, for the whole server: every call made in a session,
     * every command that ran (a login is one: its failures are audited, and the throttle
     * bounds them), and every change is audited; with authentication required, a call
     * refused before any session (an unknown domain or command, 405, 401, a frame that is no
     * frame) is counted and logged at a bounded rate, not audited line by line, so that
     * strangers cannot push the trail of changes out of the kept files. With authentication
     * off there is no session to tell strangers by: every call is audited, as before.
     */
    /** Writes the call's line where it belongs (see above); false when a synced line did not reach the disk. */
    private boolean audit(Call call, Answer answer, Outcome outcome, String sessionOperator) {
        long nanos = System.nanoTime() - call.startNanos();
        metrics.commandAnswered(call.domain(), call.command(), call.transport(), answer.status(), nanos);
        if (!audited(outcome, sessionOperator)) {
            ANONYMOUS_REFUSALS.warn(answer.outcome(), "refused calls without a session, not audited (the last: "
                    + call.transport() + " " + answer.status() + " " + answer.outcome() + ", request " + call.requestId() + ")",
                    null);
            return true;
        }
        return audit.record(new AuditEntry(call.transport(), call.domain(), call.command(),
                outcome == null ? null : outcome.conversationId(), outcome == null ? 0 : outcome.version(),
                outcome == null ? 0 : outcome.seq(),
                outcome == null ? null : outcome.actingOperator(), answer.outcome(), answer.status(), nanos / 1_000,
                call.requestId(), sessionOperator));
    }

    /** The rule above: whether a call's line belongs in the trail. */
    private boolean audited(Outcome outcome, String sessionOperator) {
        return !sessionRequired || sessionOperator != null || outcome != null;
    }

    /** A call that passed every check before its body; complete it exactly once. */
    public final class Admitted implements Admission {
        private final Call call;
        private final Command<?> command;
        private final Optional<Session> session;
        private final TransportChecks checks;

        private Admitted(Call call, Command<?> command, Optional<Session> session, TransportChecks checks) {
            this.call = call;
            this.command = command;
            this.session = session;
            this.checks = checks;
            metrics.commandAdmitted();
        }

        /** The session the call acts in; empty without one. */
        public Optional<Session> session() {
            return session;
        }

        /** A refusal while the transport read the body (too large, unreadable, too slow). */
        public Answer refuse(ErrorReason reason, String detail) {
            metrics.commandCompleted();
            return CommandDispatcher.this.refuse(call, reason, detail, session.map(Session::operatorId).orElse(null));
        }

        /**
         * Decodes the {@code in} document and runs the command; the answer comes when the
         * command is done, with no thread waiting meanwhile (at once for a command that does
         * not wait on the network).
         */
        public CompletionStage<Answer> executeLater(WireFormat format, byte[] body, Charset charset) {
            return completeLater(() -> decoder.decode(command.name(), format, body, charset));
        }

        /**
         * Runs the command on arguments the transport read itself (the query of the event
         * stream); for commands that answer at once (subscribe), so the answer is here now.
         */
        public Answer execute(CommandInput input) {
            CompletableFuture<Answer> answer = completeLater(() -> input).toCompletableFuture();
            if (!answer.isDone()) {
                throw new IllegalStateException(call.command() + " waited: the event stream expects an answer at once");
            }
            return answer.join();
        }

        private CompletableFuture<Answer> completeLater(Decoding decoding) {
            CompletableFuture<Outcome> running;
            try {
                CommandInput input = decoding.input();
                running = runLater(command, input, new CommandContext(call.domain(), clock.instant(), session,
                        checks::clientAddress, checks.eventChannel())).toCompletableFuture();
            } catch (ProtocolException e) {
                return CompletableFuture.completedFuture(finish(null,
                        Answer.error(call.command(), true, e.reason(), e.detail())));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(finish(null, failed(e)));
            }
            // a command done already is finished on this thread; one that waited, on the continuations
            return running.isDone() ? running.handle(this::finish) : running.handleAsync(this::finish, continuations);
        }

        private Answer finish(Outcome outcome, Throwable failure) {
            Answer answer;
            if (failure != null) {
                outcome = null;
                answer = failed(StoreUnavailableException.unwrap(failure));
            } else {
                answer = answerOf(call, outcome);
            }
            return finish(outcome, answer);
        }

        private Answer finish(Outcome outcome, Answer answer) {
            metrics.commandCompleted();
            boolean kept = audit(call, answer, outcome, session.map(Session::operatorId).orElse(null));
            if (!kept && outcome != null && outcome.isDone() && command.changes()) {
                // synced, and this change's own line did not reach the disk: the answer must not promise it
                return Answer.error(call.command(), true, ErrorReason.AUDIT_UNAVAILABLE, "the change was made, but its "
                        + "audit line could not be written to disk (audit.durability=synced); the line is kept to be "
                        + "written again, and further changes are refused until the trail can be written");
            }
            return answer;
        }

        private Answer failed(Throwable e) {
            FAILURES.warn(e.getClass().getName() + " in " + call.command(), call.transport() + " " + call.command()
                    + " in domain " + call.domain() + " failed unexpectedly (request " + call.requestId() + ")", e);
            return Answer.error(call.command(), true, ErrorReason.INTERNAL_ERROR,
                    "the server failed to carry out the command; it has been logged");
        }
    }

    /** How a call's {@code in} document becomes its input: decoded from the body, or given. */
    @FunctionalInterface
    private interface Decoding {
        CommandInput input() throws ProtocolException;
    }

    private static Answer answerOf(Call call, Outcome outcome) {
        if (!outcome.isDone()) {
            return Answer.error(call.command(), true, outcome.refusal(), outcome.detail())
                    .withRetryAfter(outcome.retryAfterSeconds());
        }
        if (outcome.reply() == null && outcome.session() == null) {
            return Answer.ok(call.command());
        }
        return Answer.ok(call.command(), outcome.reply(), outcome.session());
    }

    /**
     * Runs the command; one that would change something while a synced audit cannot be
     * written is refused instead, its rules checked first where it can ({@link Command#refuseUnaudited}).
     */
    private <A> CompletionStage<Outcome> runLater(Command<A> command, CommandInput input, CommandContext context)
            throws ProtocolException {
        A arguments = command.arguments(input);
        return command.changes() && !audit.acceptsChanges() ? command.refuseUnaudited(arguments, context)
                : command.executeLater(arguments, context);
    }
}
