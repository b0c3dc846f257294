package org.ccarm.callcontrol.command;

import java.time.Clock;
import org.ccarm.callcontrol.ConversationKey;
import org.ccarm.callcontrol.Transition;
import org.ccarm.callcontrol.TransitionResult;
import org.ccarm.store.ConversationStore;

/** {@code call_hold}: puts a conversation on hold, recording who asked and when. */
public final class CallHold implements Command {

    public static final String NAME = "call_hold";

    private final ConversationStore store;
    private final Clock clock;

    public CallHold(ConversationStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TransitionResult execute(CommandRequest request) {
        return store.apply(new ConversationKey(request.domain(), request.conversationId()),
                new Transition.PlaceHold(request.operatorId(), clock.instant()));
    }
}
