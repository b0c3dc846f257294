package org.ccarm.command;

import java.util.Objects;
import java.util.Optional;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;

/**
 * The arguments of a command of the conversation shape: {@code conversation_id}
 * (required) and {@code operator_id} (optional), as in {@code call_unhold.xsd}.
 */
public record ConversationArguments(String conversationId, Optional<String> operatorId) {

    static final String CONVERSATION_ID = "conversation_id";
    static final String OPERATOR_ID = "operator_id";

    public ConversationArguments {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(operatorId, "operatorId");
    }

    /**
     * The arguments of a schema-valid document, with what the schema cannot say:
     * {@code xs:string} allows "", but an empty id names nothing, so it is refused as
     * invalid (400), not looked up; an empty {@code operator_id} is refused too rather
     * than taken as absent, which would silently act as someone else.
     */
    static ConversationArguments from(CommandInput input) throws ProtocolException {
        String conversationId = input.attribute(CONVERSATION_ID).orElse("");
        if (conversationId.isEmpty()) {
            throw new ProtocolException(ErrorReason.INVALID_DOCUMENT, "conversation_id must not be empty");
        }
        Optional<String> operatorId = input.attribute(OPERATOR_ID);
        if (operatorId.isPresent() && operatorId.get().isEmpty()) {
            throw new ProtocolException(ErrorReason.INVALID_DOCUMENT, "operator_id must not be empty when given");
        }
        return new ConversationArguments(conversationId, operatorId);
    }
}
