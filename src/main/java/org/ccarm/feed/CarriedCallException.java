package org.ccarm.feed;

/**
 * A report that would replace a conversation the server carries as a SIP call: its state is
 * the phones', changed by signalling, so the switch feed may end it (which hangs it up) but
 * not rewrite it. Answered 409.
 */
public final class CarriedCallException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public CarriedCallException(String conversationId) {
        super("conversation " + conversationId + " is a SIP call this server carries: the feed may end it (DELETE hangs "
                + "it up) but not replace it");
    }

    @Override
    public String error() {
        return "sip_conversation";
    }

    @Override
    public int status() {
        return 409;
    }
}
