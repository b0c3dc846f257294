package org.ccarm.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;
import org.ccarm.logging.AuditTrail;

/**
 * The server's meters, in Prometheus's naming ({@code ccarm_} prefix, base units,
 * {@code _total} counters):
 * <ul>
 *   <li>{@code ccarm_commands_total{domain,command,transport,status}} and
 *       {@code ccarm_command_duration_seconds{domain,command,transport}} (a histogram);</li>
 *   <li>{@code ccarm_store_operation_duration_seconds{operation}} and
 *       {@code ccarm_store_errors_total{operation,kind}} ({@link MeteredConversationStore});</li>
 *   <li>{@code ccarm_websocket_sessions}, {@code ccarm_event_subscriptions} and
 *       {@code ccarm_event_subscriptions_ended_total{reason}}, the HTTP listener's threads and connections,
 *       the audit trail's queue and lines written, and the JVM's and process's own.</li>
 * </ul>
 * With {@code metrics.enabled = false} every method returns at once and nothing is kept.
 */
public final class Metrics implements AutoCloseable {

    private static final Duration[] LATENCY_BUCKETS = {
            Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
            Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5)};

    private final PrometheusMeterRegistry registry;
    private final Set<String> domains;
    private final Set<String> commands;
    private final ConcurrentMap<CallKey, Counter> calls = new ConcurrentHashMap<>();
    private final ConcurrentMap<TimerKey, Timer> durations = new ConcurrentHashMap<>();
    private final AtomicInteger websocketSessions = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final JvmGcMetrics gc;

    private record CallKey(String domain, String command, String transport, int status) {}

    private record TimerKey(String domain, String command, String transport) {}

    private Metrics(PrometheusMeterRegistry registry, Set<String> domains, Set<String> commands) {
        this.registry = registry;
        this.domains = Set.copyOf(domains);
        this.commands = Set.copyOf(commands);
        if (registry == null) {
            gc = null;
            return;
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        Gauge.builder("ccarm.commands.in.flight", inFlight, AtomicInteger::get)
                .description("command calls admitted and not answered yet (their bodies on the way, or running)")
                .strongReference(true).register(registry);
        Gauge.builder("ccarm.websocket.sessions", websocketSessions, AtomicInteger::get)
                .description("websocket connections open now").strongReference(true).register(registry);
        Gauge.builder("ccarm.audit.queue.depth", AuditTrail::queueDepth)
                .description("audit lines queued, not yet written").register(registry);
        FunctionCounter.builder("ccarm.audit.lines.written", this, m -> AuditTrail.linesWritten())
                .description("audit lines written to the file").register(registry);
        FunctionCounter.builder("ccarm.audit.write.failures", this, m -> AuditTrail.writeFailures())
                .description("writes of the audit file that failed (a full disk, an I/O error)").register(registry);
        FunctionCounter.builder("ccarm.audit.lines.lost", this, m -> AuditTrail.linesLost())
                .description("audit lines given up: too many waited for a failing file").register(registry);
    }

    /** Meters kept and scraped, for a server serving these domains and commands. */
    public static Metrics enabled(Set<String> domains, Set<String> commands) {
        return new Metrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), domains, commands);
    }

    /** No meters: every call returns at once. */
    public static Metrics disabled() {
        return new Metrics(null, Set.of(), Set.of());
    }

    public boolean isEnabled() {
        return registry != null;
    }

    /** One command call answered with {@code status}, {@code nanos} after it started. */
    public void commandAnswered(String domain, String command, String transport, int status, long nanos) {
        if (registry == null) {
            return;
        }
        String d = domains.contains(domain) ? domain : "other";
        String c = commands.contains(command) ? command : "unknown";
        calls.computeIfAbsent(new CallKey(d, c, transport, status), k -> Counter.builder("ccarm.commands")
                .description("command calls answered").tag("domain", k.domain()).tag("command", k.command())
                .tag("transport", k.transport()).tag("status", Integer.toString(k.status())).register(registry))
                .increment();
        durations.computeIfAbsent(new TimerKey(d, c, transport), k -> Timer.builder("ccarm.command.duration")
                .description("from a command call's start to its answer").tag("domain", k.domain())
                .tag("command", k.command()).tag("transport", k.transport())
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A call passed the checks before its body; {@link #commandCompleted} follows, once. */
    public void commandAdmitted() {
        inFlight.incrementAndGet();
    }

    public void commandCompleted() {
        inFlight.decrementAndGet();
    }

    /** A login answered: {@code ok}, {@code invalid_credentials}, {@code too_many_attempts} or {@code logins_busy}. */
    public void login(String outcome) {
        if (registry != null) {
            Counter.builder("ccarm.logins").description("logins by outcome").tag("outcome", outcome).register(registry)
                    .increment();
        }
    }

    /** The server ended an event subscription: {@code slow}, {@code behind} or {@code unavailable}. */
    public void eventSubscriptionEnded(String reason) {
        if (registry != null) {
            Counter.builder("ccarm.event.subscriptions.ended").description("event subscriptions the server ended, by why")
                    .tag("reason", reason).register(registry).increment();
        }
    }

    /**
     * A SIP call's setup ended: {@code answered}, or why not ({@code not_found}, {@code unavailable},
     * {@code refused}, {@code ring_timeout}, {@code cancelled}, {@code busy}, {@code store_unavailable}).
     */
    public void sipCallSetup(String outcome) {
        if (registry != null) {
            Counter.builder("ccarm.sip.call.setups").description("SIP call setups through the B2BUA, by outcome")
                    .tag("outcome", outcome).register(registry).increment();
        }
    }

    /** A re-INVITE the server sent was answered ({@code accepted}, {@code refused}, {@code timeout}) after {@code nanos}. */
    public void sipReinvite(String outcome, long nanos) {
        if (registry != null) {
            Timer.builder("ccarm.sip.reinvite.duration").description("from a re-INVITE the server sent to its final answer")
                    .tag("outcome", outcome).serviceLevelObjectives(LATENCY_BUCKETS).register(registry)
                    .record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A websocket upgrade refused, by its reason (a bounded set: the protocol's reasons). */
    public void websocketUpgradeRefused(String reason) {
        if (registry != null) {
            Counter.builder("ccarm.websocket.upgrades.refused").description("websocket upgrades refused, by reason")
                    .tag("reason", reason).register(registry).increment();
        }
    }

    /** A switch feed request without the right token. */
    public void adminAuthFailed() {
        if (registry != null) {
            Counter.builder("ccarm.admin.auth.failures").description("switch feed requests refused for a wrong or missing token")
                    .register(registry).increment();
        }
    }

    public void websocketOpened() {
        websocketSessions.incrementAndGet();
    }

    public void websocketClosed() {
        websocketSessions.decrementAndGet();
    }

    /**
     * A gauge of something the caller owns (a pool's threads, open connections). Held
     * strongly: Micrometer holds a gauge's object weakly by default, and a lambda or a
     * method reference that nothing else holds is collected at the next GC, after which the
     * gauge reads NaN for good (seen with the HTTP threads: saturation alerts never fired).
     */
    public <T> void gauge(String name, String description, T owner, ToDoubleFunction<T> value) {
        if (registry != null) {
            Gauge.builder(name, owner, value).description(description).strongReference(true).register(registry);
        }
    }

    /** A gauge with one tag; held strongly, as above. */
    public void gauge(String name, String description, String tag, String tagValue, DoubleSupplier value) {
        if (registry != null) {
            Gauge.builder(name, value, DoubleSupplier::getAsDouble).description(description).tag(tag, tagValue)
                    .strongReference(true).register(registry);
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    Timer storeTimer(String operation) {
        return Timer.builder("ccarm.store.operation.duration").description("one store operation, all its round trips")
                .tag("operation", operation).serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    Counter storeErrors(String operation, String kind) {
        return Counter.builder("ccarm.store.errors").description("store operations that failed")
                .tag("operation", operation).tag("kind", kind).register(registry);
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry == null ? "" : registry.scrape();
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        if (registry != null) {
            registry.close();
        }
    }
}
