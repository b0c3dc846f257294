package org.ccarm.dispatch;

/**
 * One command call as a transport received it: which transport, the domain and the
 * command name the client used, its request id (HTTP: the {@code X-Request-Id}; a
 * websocket frame: its connection's id and the frame's), and when it started.
 */
public record Call(String transport, String domain, String command, String requestId, long startNanos) {

    public static Call startingNow(String transport, String domain, String command, String requestId) {
        return new Call(transport, domain, command, requestId, System.nanoTime());
    }
}
