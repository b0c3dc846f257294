package org.ccarm.dispatch;

/**
 * One command call as a transport received it: which transport, the domain and the
 * command name the client used, and when it started (for the audit's duration).
 */
public record Call(String transport, String domain, String command, long startNanos) {

    public static Call startingNow(String transport, String domain, String command) {
        return new Call(transport, domain, command, System.nanoTime());
    }
}
