package org.ccarm.feed;

/** A feed document that cannot be taken: not JSON, or not what it should describe. Nothing was changed. */
public abstract class InvalidInputException extends Exception {

    private static final long serialVersionUID = 1L;

    InvalidInputException(String message) {
        super(message, null, false, false);
    }

    /** The feed's error code for it, e.g. {@code invalid_conversation}. */
    public abstract String error();

    /** The HTTP status it is answered with: 400 unless the input is fine but the state refuses it. */
    public int status() {
        return 400;
    }
}
