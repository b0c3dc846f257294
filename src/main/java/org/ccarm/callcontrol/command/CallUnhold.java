package org.ccarm.callcontrol.command;

import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.store.ConversationStore;

/** {@code call_unhold}: takes a held conversation off hold (PROTOCOL.md section 4). */
public final class CallUnhold implements Command {

    public static final String NAME = "call_unhold";

    private final ConversationStore store;

    public CallUnhold(ConversationStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransitionResult execute(CommandRequest request) {
        return store.apply(new ConversationKey(request.domain(), request.conversationId()),
                new Transition.ReleaseHold(request.operatorId()));
    }
}
