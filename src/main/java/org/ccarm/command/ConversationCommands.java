package org.ccarm.command;

import java.util.List;
import org.ccarm.callcontrol.Transition;
import org.ccarm.store.ConversationStore;

/**
 * The commands of the conversation shape, one declaration each: its name (and with it
 * its schema, {@code xsd/<name>.xsd}) and the transition it asks for. A new command of
 * this shape is one more line here and its schema; a new rule is one more
 * {@link Transition} in the domain.
 */
public final class ConversationCommands {

    private ConversationCommands() {}

    public static List<Command<?>> over(ConversationStore store) {
        return over(store, CarriedCalls.NONE);
    }

    /** The commands, changing the media of the calls this server carries ({@code calls}) before recording. */
    public static List<Command<?>> over(ConversationStore store, CarriedCalls calls) {
        return List.of(
                // take a held conversation off hold; without operator_id the operator who requested the hold acts
                new ConversationCommand("call_unhold", store,
                        (arguments, context) -> new Transition.ReleaseHold(arguments.operatorId(), context.actor()), calls),
                // put a conversation on hold, recording who and when; without operator_id its sole operator acts
                new ConversationCommand("call_hold", store,
                        (arguments, context) -> new Transition.PlaceHold(arguments.operatorId(), context.now(), context.actor()), calls));
    }
}
