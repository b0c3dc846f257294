package org.ccarm.transport.http;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;

/**
 * A request answered later is held open in the servlet's async cycle while it waits (for
 * its body, its session, its command), with no thread; whoever writes its answer ends the
 * cycle. One rule for every servlet that waits, so the cycle is started once and ended once.
 */
final class AsyncCycles {

    private AsyncCycles() {}

    /** The request's async cycle: the one started already, or a new one; no timeout of its own. */
    static AsyncContext hold(HttpServletRequest request) {
        if (request.isAsyncStarted()) {
            return request.getAsyncContext();
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // what it waits for keeps its own deadline (the body's, the store's)
        return async;
    }

    /** The answer is written: ends the cycle, if one was started. */
    static void complete(HttpServletRequest request) {
        if (request.isAsyncStarted()) {
            request.getAsyncContext().complete();
        }
    }
}
