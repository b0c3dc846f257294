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

    /** The seed URL the server takes: {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3}. */
    public String url() {
        return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        nodes.forEach(RedisServer::close);
    }
}
