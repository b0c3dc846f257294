package org.ccarm.transport.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * Counts open connections, in total and per client address, and says whether one more
 * may open. A connection is counted from the moment it is admitted until its socket
 * closes, whatever it became meanwhile (an HTTP connection upgraded to a websocket
 * stays counted). Jetty's own connection limit stops accepting, which stalls everyone
 * behind the one who filled it; here a connection over the limit is accepted, answered
 * 503 {@code too_many_connections} and closed ({@link RefusingConnection}).
 */
final class ConnectionGuard {

    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    // by the socket's own endpoint: once it is closed it no longer knows its remote address
    private final ConcurrentMap<EndPoint, InetAddress> admitted = new ConcurrentHashMap<>();

    ConnectionGuard(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Admits the connection and counts it, or says it is one too many. */
    boolean tryOpen(EndPoint endPoint) {
        endPoint = socketOf(endPoint);
        SocketAddress remote = endPoint.getRemoteSocketAddress();
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        InetAddress address = address(remote);
        AtomicInteger count = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (count.incrementAndGet() > maxPerAddress) {
            release(address);
            return false;
        }
        admitted.put(endPoint, address);
        return true;
    }

    /** The socket closed; it no longer counts (if it ever did). */
    void closed(EndPoint endPoint) {
        InetAddress address = admitted.remove(socketOf(endPoint));
        if (address != null) {
            release(address);
        }
    }

    /**
     * The socket's own endpoint: over TLS the HTTP connection sees the decrypted endpoint,
     * while the connector reports the socket's when it closes; both must count as one.
     */
    private static EndPoint socketOf(EndPoint endPoint) {
        EndPoint current = endPoint;
        while (current instanceof SslConnection.SslEndPoint decrypted) {
            current = decrypted.getSslConnection().getEndPoint();
        }
        return current;
    }

    int open() {
        return total.get();
    }

    private void release(InetAddress address) {
        total.decrementAndGet();
        perAddress.computeIfPresent(address, (a, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    private static InetAddress address(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : InetAddress.getLoopbackAddress();
    }
}
