package org.ccarm.feed;

/** A feed document that is not JSON or does not describe a valid operator. */
public final class InvalidOperatorException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public InvalidOperatorException(String message) {
        super(message);
    }

    @Override
    public String error() {
        return "invalid_operator";
    }
}
