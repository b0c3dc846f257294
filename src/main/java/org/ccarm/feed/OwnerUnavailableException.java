package org.ccarm.feed;

/**
 * A DELETE of a SIP call that another instance carries: the hang-up was handed to it and it
 * did not answer in time. Nothing was ended: 503 {@code owner_unavailable}, to be sent again.
 */
public final class OwnerUnavailableException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    OwnerUnavailableException(String detail) {
        super(detail);
    }

    @Override
    public String error() {
        return "owner_unavailable";
    }

    @Override
    public int status() {
        return 503;
    }
}
