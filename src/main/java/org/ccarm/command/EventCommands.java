package org.ccarm.command;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.ccarm.auth.Session;
import org.ccarm.events.SubscriptionRequest;
import org.ccarm.events.SubscriptionRights;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.store.StoreUnavailableException;

/**
 * {@code subscribe} and {@code unsubscribe}: live events on a connection that stays open
 * (the websocket; the event stream reads its query as a subscribe). Over a transport
 * that answers once and closes they are refused with 426.
 */
public final class EventCommands {

    /** Operators one subscription may name, at most: a supervisor's wall, not a domain's directory. */
    static final int MAX_OPERATORS = 1_000;
    private static final int MAX_EPOCH_LENGTH = 64;

    private EventCommands() {}

    public static List<Command<?>> all() {
        return List.of(new Subscribe(), new Unsubscribe());
    }

    /**
     * The arguments of {@code <subscribe operator_id="1001 1002" since="42" epoch="..."/>}:
     * every attribute optional; {@code operator_id} names one or more operators separated by spaces.
     */
    public record SubscribeArguments(Optional<Set<String>> operators, OptionalLong since, Optional<String> epoch) {

        static SubscribeArguments from(CommandInput input) throws ProtocolException {
            return new SubscribeArguments(operators(input.attribute("operator_id")), since(input.attribute("since")),
                    epoch(input.attribute("epoch")));
        }

        private static Optional<Set<String>> operators(Optional<String> attribute) throws ProtocolException {
            if (attribute.isEmpty()) {
                return Optional.empty();
            }
            String list = attribute.get().strip();
            if (list.isEmpty()) {
                throw invalid("operator_id must name at least one operator when given");
            }
            Set<String> operators = new LinkedHashSet<>(List.of(list.split("\\s+")));
            if (operators.size() > MAX_OPERATORS) {
                throw invalid("operator_id names " + operators.size() + " operators; at most " + MAX_OPERATORS);
            }
            return Optional.of(operators);
        }

        private static OptionalLong since(Optional<String> attribute) throws ProtocolException {
            if (attribute.isEmpty()) {
                return OptionalLong.empty();
            }
            String since = attribute.get();
            if (since.isEmpty() || since.length() > 18 || !since.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw invalid("since must be the seq of an event: a number from 0 up, not '" + since + "'");
            }
            return OptionalLong.of(Long.parseLong(since));
        }

        private static Optional<String> epoch(Optional<String> attribute) throws ProtocolException {
            if (attribute.isPresent() && (attribute.get().isEmpty() || attribute.get().length() > MAX_EPOCH_LENGTH)) {
                throw invalid("epoch must be the epoch events carry (1 to " + MAX_EPOCH_LENGTH + " characters)");
            }
            return attribute;
        }

        private static ProtocolException invalid(String detail) {
            return new ProtocolException(ErrorReason.INVALID_DOCUMENT, detail);
        }
    }

    /** The operator whose session asks (what the audit line names as acting); null without a session. */
    private static String sessionOperator(CommandContext context) {
        return context.session().map(Session::operatorId).orElse(null);
    }

    /** {@code subscribe}: starts (or replaces) the connection's subscription. */
    static final class Subscribe implements Command.AtOnce<SubscribeArguments> {
        @Override
        public String name() {
            return "subscribe";
        }

        @Override
        public boolean changes() {
            return false; // a subscription is the connection's, not the trail's
        }

        @Override
        public boolean canonicalFastPath() {
            return false;
        }

        @Override
        public SubscribeArguments arguments(CommandInput input) throws ProtocolException {
            return SubscribeArguments.from(input);
        }

        @Override
        public Outcome execute(SubscribeArguments arguments, CommandContext context) {
            String acting = sessionOperator(context);
            if (context.events().isEmpty()) {
                return Outcome.refused(ErrorReason.UPGRADE_REQUIRED, "subscribe needs a connection that stays open: send it"
                        + " over the websocket (/" + context.domain() + "/service/cc/arm/ws), or GET /" + context.domain()
                        + "/service/cc/arm/events for Server-Sent Events", null, acting, 0);
            }
            SubscriptionRights.Decision decision = SubscriptionRights.decide(context.actor(), arguments.operators());
            if (!decision.permitted()) {
                return Outcome.refused(ErrorReason.NOT_PERMITTED, decision.refusal(), null, acting, 0);
            }
            try {
                context.events().get().subscribe(new SubscriptionRequest(decision.watched(), arguments.since(),
                        arguments.epoch(), context.session().map(Session::tokenHash)));
            } catch (StoreUnavailableException e) {
                return Outcome.refused(ErrorReason.STORE_UNAVAILABLE, StoreUnavailable.detail(e), null, acting, 0)
                        .retryAfter(1);
            }
            return Outcome.done(null, acting, 0, 0);
        }
    }

    /** {@code unsubscribe}: ends the connection's subscription; done also when there was none. */
    static final class Unsubscribe implements Command.AtOnce<Void> {
        @Override
        public String name() {
            return "unsubscribe";
        }

        @Override
        public boolean changes() {
            return false; // a subscription is the connection's, not the trail's
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
            String acting = sessionOperator(context);
            if (context.events().isEmpty()) {
                return Outcome.refused(ErrorReason.UPGRADE_REQUIRED, "unsubscribe acts on the websocket's subscription; "
                        + "this connection has none", null, acting, 0);
            }
            context.events().get().unsubscribe();
            return Outcome.done(null, acting, 0, 0);
        }
    }
}
