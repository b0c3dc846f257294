package org.ccarm.command;

import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.ccarm.auth.Authentication;
import org.ccarm.auth.Session;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.SessionChange;
import org.ccarm.protocol.tree.Element;
import org.ccarm.store.StoreUnavailableException;

/**
 * {@code login}, {@code logout} and {@code session}: the commands that open, end and
 * describe a session. The answers of the first two
 * answers carry what the transport does with the session (HTTP: the cookie; the
 * websocket: the connection's session), so both work alike on every transport.
 */
public final class SessionCommands {

    private SessionCommands() {}

    /** {@code loginOutcomes} hears how each login ended (its answer's reason, or {@code ok}), for the metrics. */
    public static List<Command<?>> over(Authentication authentication, Consumer<String> loginOutcomes) {
        return List.of(new Login(authentication, loginOutcomes), new Logout(authentication), new WhoAmI());
    }

    /** The arguments of {@code <login operator_id="..." password="..."/>}. */
    public record LoginArguments(String operatorId, String password) {
        @Override
        public String toString() {
            return "LoginArguments[operatorId=" + operatorId + ", password=***]"; // never a password in a log
        }
    }

    /** {@code login}: checks the operator's password and opens a session; needs none itself. */
    static final class Login implements Command<LoginArguments> {
        private final Authentication authentication;
        private final Consumer<String> outcomes;

        Login(Authentication authentication, Consumer<String> outcomes) {
            this.authentication = authentication;
            this.outcomes = outcomes;
        }

        @Override
        public String name() {
            return "login";
        }

        @Override
        public boolean canonicalFastPath() {
            return false; // passwords may hold any character: the full path reads them
        }

        @Override
        public boolean requiresSession() {
            return false;
        }

        @Override
        public LoginArguments arguments(CommandInput input) throws ProtocolException {
            String operatorId = input.attribute("operator_id").orElse("");
            if (operatorId.isEmpty()) {
                throw new ProtocolException(ErrorReason.INVALID_DOCUMENT, "operator_id must not be empty");
            }
            return new LoginArguments(operatorId, input.attribute("password").orElse(""));
        }

        /** The password check runs on the hashing pool; no server thread waits for it. */
        @Override
        public CompletionStage<Outcome> executeLater(LoginArguments credentials, CommandContext context) {
            String operator = credentials.operatorId();
            CompletionStage<Authentication.LoginResult> result;
            try {
                result = authentication.loginLater(context.domain(), operator, credentials.password(),
                        context.clientAddress());
            } catch (StoreUnavailableException e) {
                result = CompletableFuture.failedFuture(e);
            }
            return result.handle((done, failure) -> {
                Outcome outcome;
                if (failure == null) {
                    outcome = outcomeOf(operator, done);
                } else {
                    StoreUnavailableException unavailable = StoreUnavailableException.in(failure).orElseThrow(() ->
                            failure instanceof CompletionException c ? c : new CompletionException(failure));
                    outcome = Outcome.refused(ErrorReason.STORE_UNAVAILABLE, StoreUnavailable.detail(unavailable), null,
                            operator, 0).retryAfter(1);
                }
                outcomes.accept(outcome.isDone() ? "ok" : outcome.refusal().code());
                return outcome;
            });
        }

        private static Outcome outcomeOf(String operator, Authentication.LoginResult result) {
            if (result instanceof Authentication.LoginResult.Started started) {
                Session session = started.session();
                return Outcome.done(operator, sessionElement(session, started.token()),
                        SessionChange.started(session.domain(), started.token(), session.expires()));
            }
            if (result instanceof Authentication.LoginResult.Throttled throttled) {
                return Outcome.refused(ErrorReason.TOO_MANY_ATTEMPTS, "too many failed logins from this address lately; try "
                        + "again in " + throttled.retryAfterSeconds() + " s", null, operator, 0)
                        .retryAfter(throttled.retryAfterSeconds());
            }
            if (result instanceof Authentication.LoginResult.Busy busy) {
                return Outcome.refused(ErrorReason.LOGINS_BUSY, "every password check is busy; try again shortly",
                        null, operator, 0).retryAfter(busy.retryAfterSeconds());
            }
            return Outcome.refused(ErrorReason.INVALID_CREDENTIALS, "unknown operator or wrong password", null, operator, 0);
        }

        /** The {@code session} element of an answer; without its token when {@code token} is null. */
        static Element sessionElement(Session session, String token) {
            Map<String, String> attributes = new LinkedHashMap<>();
            if (token != null) {
                attributes.put("token", token);
            }
            attributes.put("operator_id", session.operatorId());
            attributes.put("supervisor", Boolean.toString(session.supervisor()));
            attributes.put("expires", DateTimeFormatter.ISO_INSTANT.format(session.expires().truncatedTo(ChronoUnit.MILLIS)));
            return new Element("session", attributes, List.of());
        }
    }

    /** {@code logout}: ends the caller's session on every instance. */
    static final class Logout implements Command<Void> {
        private final Authentication authentication;

        Logout(Authentication authentication) {
            this.authentication = authentication;
        }

        @Override
        public String name() {
            return "logout";
        }

        /**
         * Let through while a synced audit cannot be written: refusing it would keep a session
         * open on a shared desk, and ending a session gives nobody a right it did not have.
         */
        @Override
        public boolean changes() {
            return false;
        }

        @Override
        public boolean canonicalFastPath() {
            return false;
        }

        @Override
        public Void arguments(CommandInput input) {
            return null;
        }

        @Override
        public CompletionStage<Outcome> executeLater(Void nothing, CommandContext context) {
            if (context.session().isEmpty()) {
                // authentication off and no session: nothing to end, but the client's cookie goes all the same
                return CompletableFuture.completedFuture(Outcome.done(null, null, SessionChange.ended(context.domain())));
            }
            Session session = context.session().get();
            // done also when it had ended already (elsewhere, or expired): the client is logged out either way
            return authentication.logoutLater(session).handle((ended, failure) -> {
                Optional<StoreUnavailableException> unavailable = StoreUnavailableException.in(failure);
                if (unavailable.isPresent()) {
                    return Outcome.refused(ErrorReason.STORE_UNAVAILABLE, StoreUnavailable.detail(unavailable.get()), null,
                            session.operatorId(), 0).retryAfter(1);
                }
                if (failure != null) {
                    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                }
                return Outcome.done(session.operatorId(), null, SessionChange.ended(context.domain()));
            });
        }
    }

    /**
     * {@code session}: the request's own session, as login answered it but without the
     * token (an HttpOnly cookie cannot be read by a page, so a reloaded page asks); with
     * authentication off and no session, {@code ok} alone. Without a session where one is
     * required, the dispatcher's 401 answers, as for any command.
     */
    static final class WhoAmI implements Command.AtOnce<Void> {
        @Override
        public String name() {
            return "session";
        }

        @Override
        public boolean changes() {
            return false;
        }

        @Override
        public boolean canonicalFastPath() {
            return false;
        }

        @Override
        public Void arguments(CommandInput input) {
            return null;
        }

        @Override
        public Outcome execute(Void nothing, CommandContext context) {
            return context.session()
                    .map(session -> Outcome.done(session.operatorId(), Login.sessionElement(session, null), null))
                    .orElseGet(() -> Outcome.done(null, null, null));
        }
    }
}
