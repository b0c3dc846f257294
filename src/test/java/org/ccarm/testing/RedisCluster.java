package org.ccarm.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters on loopback, real redis-server processes joined as an
 * operator would (CLUSTER MEET, ADDSLOTS: what {@code redis-cli --cluster create} does,
 * which the embedded fallback binary lacks), with {@code cluster-require-full-coverage no}
 * so that losing a node stops only its own slots.
 */
public final class RedisCluster implements AutoCloseable {

    private static final int SLOTS = 16_384;
    private final List<RedisServer> nodes;

    private RedisCluster(List<RedisServer> nodes) {
        this.nodes = nodes;
    }

    public static RedisCluster start() throws IOException {
        List<RedisServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisServer.startClusterNode("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no"));
            }
            for (RedisServer other : nodes.subList(1, 3)) {
                Resp.call(nodes.get(0).port(), "CLUSTER", "MEET", "127.0.0.1", String.valueOf(other.port()));
            }
            for (int i = 0; i < 3; i++) {
                List<String> command = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
                for (int slot = i * SLOTS / 3; slot < (i + 1) * SLOTS / 3; slot++) {
                    command.add(String.valueOf(slot));
                }
                Resp.call(nodes.get(i).port(), command.toArray(String[]::new));
            }
            for (RedisServer node : nodes) {
                Await.until(() -> {
                    String info = Resp.text(node.port(), "CLUSTER", "INFO");
                    return info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:3")
                            && !Resp.text(node.port(), "CLUSTER", "NODES").contains("handshake");
                }, Duration.ofSeconds(30), "node " + node.port() + " sees the whole cluster");
            }
            return new RedisCluster(nodes);
        } catch (IOException | RuntimeException e) {
            nodes.forEach(RedisServer::close);
            throw e;
        }
    }

    public List<RedisServer> nodes() {
        return nodes;
    }

    /** The node whose master serves {@code slot} now (as the nodes themselves say). */
    public RedisServer ownerOf(int slot) throws IOException {
        for (RedisServer node : nodes) {
            for (Object range : (List<?>) Resp.call(node.port(), "CLUSTER", "SLOTS")) {
                List<?> entry = (List<?>) range;
                if ((Long) entry.get(0) <= slot && slot <= (Long) entry.get(1)) {
                    long port = (Long) ((List<?>) entry.get(2)).get(1);
                    return nodes.stream().filter(n -> n.port() == port).findFirst().orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no node serves slot " + slot);
    }

    /**
     * Moves one hash slot and its keys from one master to another while clients keep using
     * it, as {@code redis-cli --cluster reshard} does: the target imports, the source
     * migrates (clients get ASK for keys already moved, TRYAGAIN for a script whose keys are
     * split), keys go over in batches, then every node is told the slot's new owner (clients
     * get MOVED). Returns how many keys moved.
     */
    public int moveSlot(int slot, RedisServer from, RedisServer to) throws IOException {
        String fromId = (String) Resp.call(from.port(), "CLUSTER", "MYID");
        String toId = (String) Resp.call(to.port(), "CLUSTER", "MYID");
        Resp.call(to.port(), "CLUSTER", "SETSLOT", String.valueOf(slot), "IMPORTING", fromId);
        Resp.call(from.port(), "CLUSTER", "SETSLOT", String.valueOf(slot), "MIGRATING", toId);
        int moved = 0;
        for (List<?> keys; !(keys = (List<?>) Resp.call(from.port(), "CLUSTER", "GETKEYSINSLOT", String.valueOf(slot), "10"))
                .isEmpty(); ) {
            List<String> command = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", String.valueOf(to.port()), "", "0",
                    "5000", "KEYS"));
            keys.forEach(key -> command.add((String) key));
            Resp.call(from.port(), command.toArray(String[]::new));
            moved += keys.size();
        }
        Resp.call(to.port(), "CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", toId);
        Resp.call(from.port(), "CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", toId);
        for (RedisServer node : nodes) {
            if (node != from && node != to) {
                Resp.call(node.port(), "CLUSTER", "SETSLOT", String.valueOf(slot), "NODE", toId);
            }
        }
        return moved;
    }

    /** The seed URL the server takes: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    public String url() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
