package org.ccarm.feed;

/** The store behind the feed did not answer; the detail says whether the change may have been made. */
public final class FeedUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    public FeedUnavailableException(String detail, Throwable cause) {
        super(detail, cause, false, false);
    }
}
