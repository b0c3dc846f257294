package org.ccarm.feed;

/** A feed document that is not JSON or does not describe a valid conversation. */
public final class InvalidConversationException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public InvalidConversationException(String message) {
        super(message);
    }

    @Override
    public String error() {
        return "invalid_conversation";
    }
}
