package org.ccarm.store.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.ccarm.store.Handovers;
import org.ccarm.store.StoreUnavailableException;

/**
 * Hand-overs through Redis's publish/subscribe: each instance listens on a channel named
 * after it for requests and on another for the replies to its own. A message is
 * {@code <id> <reply channel>\n<body>} one way and {@code <id>\n<body>} back. Pub/sub keeps
 * nothing: a request sent while its instance is away is lost, and answered
 * {@link Unanswered} at its deadline (at once when Redis says nobody listens, on one
 * server; a cluster's count covers one node only, so there it waits for the deadline).
 */
final class RedisHandovers implements Handovers {

    private final RedisLink link;
    private final String prefix;
    private final StatefulRedisPubSubConnection<String, String> listener;
    private final String replies; // this instance's reply channel
    private final Map<String, Function<String, CompletionStage<String>>> served = new ConcurrentHashMap<>(); // by channel
    private final Map<String, CompletableFuture<String>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    RedisHandovers(RedisLink link, String prefix, String instanceTag) {
        this.link = link;
        this.prefix = prefix;
        this.replies = prefix + ":handover:replies:" + instanceTag;
        this.listener = link.connectPubSub();
        listener.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                if (channel.equals(replies)) {
                    replied(message);
                } else {
                    Function<String, CompletionStage<String>> handler = served.get(channel);
                    if (handler != null) {
                        asked(handler, message);
                    }
                }
            }
        });
        try {
            RedisLink.await(listener.async().subscribe(replies), link.deadline(), false);
        } catch (RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    @Override
    public CompletionStage<String> send(String to, String request, long deadlineNanos) {
        String id = Long.toString(ids.incrementAndGet(), 36);
        CompletableFuture<String> reply = new CompletableFuture<>();
        pending.put(id, reply);
        var timer = RedisLink.schedule(() -> reply.completeExceptionally(
                new Unanswered("instance " + to + " did not answer in time")), deadlineNanos - System.nanoTime());
        reply.whenComplete((value, failure) -> {
            pending.remove(id);
            timer.cancel(false);
        });
        RedisLink.later(link.commands().publish(requests(to), id + " " + replies + "\n" + request), deadlineNanos, false)
                .whenComplete((receivers, failure) -> {
                    if (failure != null) {
                        reply.completeExceptionally(StoreUnavailableException.unwrap(failure));
                    } else if (receivers == 0 && !link.isCluster()) {
                        reply.completeExceptionally(new Unanswered("instance " + to + " is not listening"));
                    }
                });
        return reply;
    }

    @Override
    public void serve(String self, Function<String, CompletionStage<String>> handler) {
        String channel = requests(self);
        served.put(channel, handler);
        RedisLink.await(listener.async().subscribe(channel), link.deadline(), false);
    }

    private String requests(String instance) {
        return prefix + ":handover:requests:" + instance;
    }

    private void asked(Function<String, CompletionStage<String>> handler, String message) {
        int space = message.indexOf(' ');
        int newline = message.indexOf('\n');
        if (space < 0 || newline < space) {
            return; // not ours
        }
        String id = message.substring(0, space);
        String replyTo = message.substring(space + 1, newline);
        if (!replyTo.startsWith(prefix + ":handover:replies:")) {
            return; // replies go to reply channels only, whatever a request says
        }
        CompletionStage<String> answer;
        try {
            answer = handler.apply(message.substring(newline + 1));
        } catch (RuntimeException e) {
            return; // the handler answers its own failures; one that throws is the sender's Unanswered
        }
        answer.whenComplete((reply, failure) -> {
            if (reply != null) {
                link.commands().publish(replyTo, id + "\n" + reply); // a reply lost here is the sender's Unanswered
            }
        });
    }

    private void replied(String message) {
        int newline = message.indexOf('\n');
        if (newline > 0) {
            CompletableFuture<String> reply = pending.get(message.substring(0, newline));
            if (reply != null) {
                reply.complete(message.substring(newline + 1));
            }
        }
    }

    @Override
    public void close() {
        listener.close();
        pending.values().forEach(reply -> reply.completeExceptionally(new Unanswered("the store is closing")));
    }
}
