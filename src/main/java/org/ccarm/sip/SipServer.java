package org.ccarm.sip;

import gov.nist.javax.sip.DialogTimeoutEvent;
import gov.nist.javax.sip.RequestEventExt;
import gov.nist.javax.sip.SipListenerExt;
import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.address.AddressFactoryImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.MessageFactoryImpl;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipProvider;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.TransportNotSupportedException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.RequireHeader;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.ccarm.audit.AuditLog;
import org.ccarm.auth.AuthStore;
import org.ccarm.command.CarriedCalls;
import org.ccarm.config.SipConfig;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.metrics.Metrics;
import org.ccarm.sip.logging.Slf4jServerLogger;
import org.ccarm.sip.logging.Slf4jStackLogger;
import org.ccarm.store.ConversationStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP side of the server (README, "Real calls over SIP"): a listener on UDP and TCP (the
 * JAIN-SIP reference implementation keeps transactions and dialogs), the registrar of the
 * operators' phones and the back-to-back user agent that carries calls to them. Requests
 * from outside {@code sip.trusted-networks} are refused 403; malformed messages are answered
 * 400 by the stack where a response is possible and dropped otherwise, with logs rate-limited.
 */
public final class SipServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SipServer.class);
    private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);
    private static final AtomicInteger STACKS = new AtomicInteger();
    /** How long a stop waits for the store to record the ends of the calls it hangs up. */
    private static final long HANG_UP_MILLIS = 2_000;
    /** How often a draining stop looks whether its calls have ended. */
    private static final long DRAIN_POLL_MILLIS = 50;
    /** For sip.port 0: how many free ports are tried before the start fails (another process may take one first). */
    private static final int FREE_PORT_ATTEMPTS = 20;
    /** SIP over TCP: connections open at once at most (each costs the stack threads). */
    private static final int MAX_TCP_CONNECTIONS = 1_000;
    /** SIP over TCP: the longest pause between the parts of a message before its connection is closed. */
    private static final long TCP_READ_TIMEOUT_MILLIS = 5_000;

    private final SipStackImpl stack;
    private final Calls calls;
    private final OwnerWatch watch;
    private final ScheduledExecutorService timers;
    private final int port;

    private SipServer(SipStackImpl stack, Calls calls, OwnerWatch watch, ScheduledExecutorService timers, int port) {
        this.stack = stack;
        this.watch = watch;
        this.calls = calls;
        this.timers = timers;
        this.port = port;
    }

    /**
     * Starts listening as {@code config} says, routing calls to the operators of {@code domains}
     * (the first is the default unless {@code sip.default-domain} names one).
     */
    public static SipServer start(SipConfig config, List<String> domains, ConversationStore store, AuthStore operators,
                                  AuditLog audit, Metrics metrics, Clock clock, Executor continuations) throws Exception {
        TrustedNetworks trusted = TrustedNetworks.of(config.trustedNetworks());
        String defaultDomain = config.defaultDomain().orElse(domains.get(0));
        if (!domains.contains(defaultDomain)) {
            throw new IllegalArgumentException("'sip.default-domain' " + defaultDomain + " is not a configured domain");
        }
        quietStackThreads();
        ScheduledExecutorService timers = timers();
        SipStackImpl stack = null;
        try {
            stack = new SipStackImpl(properties());
            ListeningPoint[] points = listen(stack, config.host(), config.port());
            int port = points[0].getPort();
            SipProvider provider = stack.createSipProvider(points[0]);
            provider.addListeningPoint(points[1]);
            // the owner the calls carried here record: named by the configuration or after this host and port,
            // with a new incarnation each start, so that a quick restart is a new owner and finds its calls lost
            String instance = config.instanceId().orElse(hostName() + ":" + port) + "#" + SipMessages.randomHex().substring(0, 8);
            Calls calls = new Calls(config, store, operators, audit, metrics, clock, continuations, timers, instance);
            Registrar registrar = new Registrar(operators, config.maxExpires(), clock, continuations);
            SipMessages messages = new SipMessages(new HeaderFactoryImpl(), new MessageFactoryImpl(),
                    new AddressFactoryImpl(), provider, config.host(), port);
            calls.start(messages);
            registrar.start(messages);
            provider.addSipListener(new Router(messages, calls, registrar, trusted, Set.copyOf(domains), defaultDomain));
            stack.start();
            metrics.gauge("ccarm.sip.calls", "SIP calls carried now (answered, not ended)", calls, Calls::up);
            LOG.info("sip listening on {}:{} (udp, tcp) as instance {}", config.host(), port, instance);
            OwnerWatch watch = new OwnerWatch(store.callOwners(), calls, domains, config.ownerTtlMillis(), timers,
                    continuations);
            watch.start();
            return new SipServer(stack, calls, watch, timers, port);
        } catch (Exception | Error e) {
            if (stack != null) {
                stack.stop();
            }
            timers.shutdownNow();
            throw e;
        }
    }

    /**
     * The UDP and the TCP listening point on {@code port}; for 0, on a port found free for both
     * (the stack takes no 0 itself). The port is probed with plain sockets first: a listening
     * point that fails to bind stays half made inside the stack and breaks its stop.
     */
    private static ListeningPoint[] listen(SipStackImpl stack, String host, int port) throws IOException {
        int chosen = port != 0 ? port : freePort(host);
        return new ListeningPoint[] {listen(stack, host, chosen, ListeningPoint.UDP),
                                     listen(stack, host, chosen, ListeningPoint.TCP)};
    }

    /** A port free for UDP and TCP on {@code host} now (another process could still take it before the stack does). */
    private static int freePort(String host) throws IOException {
        InetAddress address = InetAddress.getByName(host);
        for (int attempt = 0; attempt < FREE_PORT_ATTEMPTS; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(0, address)) {
                int candidate = udp.getLocalPort();
                try {
                    new ServerSocket(candidate, 1, address).close();
                    return candidate;
                } catch (IOException takenForTcp) {
                    // try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on " + host + " after " + FREE_PORT_ATTEMPTS + " tries");
    }

    private static ListeningPoint listen(SipStackImpl stack, String host, int port, String transport) {
        try {
            return stack.createListeningPoint(host, port, transport);
        } catch (InvalidArgumentException | TransportNotSupportedException e) {
            throw new IllegalStateException("SIP cannot listen on " + host + ":" + port + " (" + transport + "): "
                    + rootMessage(e) + "; set sip.port (0 takes a free one) or sip.enabled = false", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }

    /**
     * The stack's TCP parser threads let some exceptions escape (a Content-Length past its
     * maximum): they would print a stack trace per connection. Those are logged at most once
     * a minute, without a stack; any other thread's are left to the handler there was.
     */
    private static synchronized void quietStackThreads() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        if (previous instanceof StackThreads) {
            return;
        }
        Thread.setDefaultUncaughtExceptionHandler(new StackThreads(previous));
    }

    private record StackThreads(Thread.UncaughtExceptionHandler previous) implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread thread, Throwable failure) {
            if (thread.getName().startsWith("PipelineThread")) {
                LIMITED.warn("sip-stack-thread", "SIP over TCP: a connection's message was refused: " + failure, null);
            } else if (previous != null) {
                previous.uncaughtException(thread, failure);
            } else {
                thread.getThreadGroup().uncaughtException(thread, failure);
            }
        }
    }

    private static Properties properties() {
        Properties properties = new Properties();
        properties.setProperty("javax.sip.STACK_NAME", "ccarm-" + STACKS.incrementAndGet());
        properties.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
        properties.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
        properties.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
        // several threads deliver requests and answers; nothing in the listener blocks
        properties.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
        properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
        properties.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
        properties.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
        properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "on");
        // TCP: a bounded number of connections, and a message must keep coming (or the connection is closed)
        properties.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", Integer.toString(MAX_TCP_CONNECTIONS));
        properties.setProperty("gov.nist.javax.sip.READ_TIMEOUT", Long.toString(TCP_READ_TIMEOUT_MILLIS));
        return properties;
    }

    private static ScheduledExecutorService timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "sip-timers");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true); // a ring timer cancelled on answer must not stay queued for 30 s
        return timers;
    }

    /** The port the listeners bound (the configured one, or the free one taken for 0). */
    public int port() {
        return port;
    }

    /** What the commands change the media of: the calls carried here. */
    public CarriedCalls carriedCalls() {
        return calls;
    }

    /** This instance's name, with its incarnation, as the calls it carries record it. */
    public String instance() {
        return calls.instance();
    }

    /** The host's name as the shell knows it (no DNS lookup, which can take seconds), else the resolver's. */
    private static String hostName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "localhost";
            }
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "-");
    }

    /** New INVITEs are refused (503) from now on; the calls carried here go on. */
    public void stopTakingCalls() {
        calls.stopTakingCalls();
    }

    /**
     * A graceful stop's first part: new INVITEs are refused (503) at once, while the calls
     * carried here go on, their commands (handed over from other instances too) served as
     * before; returns when they have all ended or at {@code deadlineNanos}, whichever first.
     */
    public void drain(long deadlineNanos) throws InterruptedException {
        stopTakingCalls();
        if (calls.carried() > 0) {
            LOG.info("stopping: waiting up to {} ms for {} call(s) to end; new calls are refused",
                    TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadlineNanos - System.nanoTime())), calls.carried());
        }
        while (calls.carried() > 0 && deadlineNanos - System.nanoTime() > 0) {
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
    }

    /** Hangs every call up (BYE on both legs, ends recorded, bounded wait), then stops listening. */
    @Override
    public void close() {
        try {
            calls.hangUpAll().get(HANG_UP_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("the ends of the calls hung up at the stop were not all recorded: {}", e.toString());
        }
        watch.close();
        try {
            stack.stop();
        } catch (RuntimeException e) {
            LOG.warn("the SIP stack did not stop cleanly: {}", e.toString());
        }
        timers.shutdownNow();
    }

    /** Takes each message the stack delivers to where it belongs; never lets an exception reach the stack. */
    private static final class Router implements SipListenerExt {

        private final SipMessages sip;
        private final Calls calls;
        private final Registrar registrar;
        private final TrustedNetworks trusted;
        private final Set<String> domains;
        private final String defaultDomain;

        Router(SipMessages sip, Calls calls, Registrar registrar, TrustedNetworks trusted, Set<String> domains,
               String defaultDomain) {
            this.sip = sip;
            this.calls = calls;
            this.registrar = registrar;
            this.trusted = trusted;
            this.domains = domains;
            this.defaultDomain = defaultDomain;
        }

        @Override
        public void processRequest(RequestEvent event) {
            Request request = event.getRequest();
            try {
                route(event, request);
            } catch (RuntimeException e) {
                LIMITED.warn("sip-request", "a " + request.getMethod() + " could not be handled: " + e, null);
                if (!request.getMethod().equals(Request.ACK)) {
                    ServerTransaction transaction = event.getServerTransaction();
                    if (transaction != null) {
                        sip.respond(transaction, Response.SERVER_INTERNAL_ERROR);
                    } else {
                        sip.respondStateless(request, Response.SERVER_INTERNAL_ERROR);
                    }
                }
            }
        }

        private void route(RequestEvent event, Request request) {
            String method = request.getMethod();
            if (!trusted.trusts(((RequestEventExt) event).getRemoteIpAddress())) {
                if (!method.equals(Request.ACK)) {
                    sip.respondStateless(request, Response.FORBIDDEN);
                }
                return;
            }
            Dialog dialog = event.getDialog();
            Leg leg = dialog != null && dialog.getApplicationData() instanceof Leg known ? known : null;
            if (method.equals(Request.ACK)) {
                if (leg != null) {
                    calls.ack(leg, request);
                }
                return;
            }
            ServerTransaction transaction = serverTransaction(event, request);
            if (transaction == null) {
                return; // a retransmission the stack answers itself
            }
            if (method.equals(Request.CANCEL)) {
                calls.cancel(transaction);
                return;
            }
            MaxForwardsHeader hops = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
            if (hops != null && hops.getMaxForwards() <= 0 && !method.equals(Request.OPTIONS)
                    && !method.equals(Request.REGISTER)) {
                sip.respond(transaction, Response.TOO_MANY_HOPS);
                return;
            }
            List<String> required = required(request);
            if (!required.isEmpty() && !method.equals(Request.CANCEL)) {
                // no extension is supported (no 100rel, no session timers): RFC 3261 s8.2.2.3
                sip.respond(transaction, Response.BAD_EXTENSION, null, response -> unsupported(response, required));
                return;
            }
            if (leg != null) {
                inDialog(leg, method, transaction);
            } else if (((ToHeader) request.getHeader(ToHeader.NAME)).getTag() != null) {
                sip.respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST); // a dialog this server does not know
            } else if (((SIPMessage) request).getUnrecognizedHeaders().hasNext()) {
                // a header the stack could not read (Expires: -1, a bad Contact): a new request is refused whole
                sip.respond(transaction, Response.BAD_REQUEST);
            } else {
                outOfDialog(request, method, transaction);
            }
        }

        private void inDialog(Leg leg, String method, ServerTransaction transaction) {
            switch (method) {
                case Request.BYE -> calls.bye(leg, transaction);
                case Request.INVITE -> calls.reinvite(leg, transaction);
                // a transfer would take the call out of the server's control unseen
                case Request.REFER -> sip.respond(transaction, Response.FORBIDDEN);
                default -> calls.relay(leg, transaction);
            }
        }

        private void outOfDialog(Request request, String method, ServerTransaction transaction) {
            switch (method) {
                case Request.OPTIONS -> sip.respond(transaction, Response.OK, null, response -> allow(response));
                case Request.REGISTER -> {
                    URI to = ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI();
                    if (to instanceof SipURI) {
                        registrar.register(transaction, domainOf(to));
                    } else {
                        sip.respond(transaction, Response.BAD_REQUEST); // a phone registers a sip: URI
                    }
                }
                case Request.INVITE -> {
                    URI uri = request.getRequestURI();
                    String user = uri instanceof SipURI sipUri ? sipUri.getUser() : null;
                    if (user == null || user.isEmpty()) {
                        sip.respond(transaction, Response.NOT_FOUND);
                    } else {
                        calls.invite(transaction, domainOf(uri), user);
                    }
                }
                case Request.BYE, Request.INFO, Request.UPDATE, Request.NOTIFY, Request.PRACK ->
                        sip.respond(transaction, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST);
                default -> sip.respond(transaction, Response.METHOD_NOT_ALLOWED, null, response -> allow(response));
            }
        }

        /** The option tags the request's {@code Require} headers name. */
        private static List<String> required(Request request) {
            List<String> tags = new ArrayList<>();
            ListIterator<?> headers = request.getHeaders(RequireHeader.NAME);
            while (headers != null && headers.hasNext()) {
                tags.add(((RequireHeader) headers.next()).getOptionTag());
            }
            return tags;
        }

        private void unsupported(Response response, List<String> tags) {
            for (String tag : tags) {
                try {
                    response.addHeader(sip.headers.createUnsupportedHeader(tag));
                } catch (ParseException e) {
                    LOG.debug("an Unsupported header could not be made: {}", e.toString());
                }
            }
        }

        private void allow(Response response) {
            try {
                response.addHeader(sip.headers.createAllowHeader(SipMessages.ALLOW));
            } catch (ParseException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The ARM domain a SIP URI's host names, or the default one. */
        private String domainOf(URI uri) {
            if (uri instanceof SipURI sipUri && sipUri.getHost() != null && domains.contains(sipUri.getHost())) {
                return sipUri.getHost();
            }
            return defaultDomain;
        }

        private ServerTransaction serverTransaction(RequestEvent event, Request request) {
            ServerTransaction transaction = event.getServerTransaction();
            if (transaction != null) {
                return transaction;
            }
            try {
                return sip.provider.getNewServerTransaction(request);
            } catch (TransactionAlreadyExistsException e) {
                return null;
            } catch (SipException | RuntimeException e) {
                // the stack refuses what lacks a header its method needs (an INVITE's Contact, a PUBLISH's Event)
                LIMITED.warn("sip-transaction", "a " + request.getMethod() + " could not be taken on: " + e, null);
                sip.respondStateless(request, Response.BAD_REQUEST);
                return null;
            }
        }

        @Override
        public void processResponse(ResponseEvent event) {
            ClientTransaction transaction = event.getClientTransaction();
            if (transaction == null) {
                return; // a retransmitted 2xx: the stack ACKs it again
            }
            try {
                if (transaction.getApplicationData() instanceof SipMessages.Answers answers) {
                    answers.answered(event.getResponse(), transaction);
                }
            } catch (RuntimeException e) {
                LIMITED.warn("sip-response", "an answer could not be handled: " + e, null);
            }
        }

        @Override
        public void processTimeout(TimeoutEvent event) {
            if (!event.isServerTransaction()
                    && event.getClientTransaction().getApplicationData() instanceof SipMessages.Answers answers) {
                try {
                    answers.timedOut();
                } catch (RuntimeException e) {
                    LIMITED.warn("sip-timeout", "a timeout could not be handled: " + e, null);
                }
            }
        }

        @Override
        public void processIOException(IOExceptionEvent event) {
            LIMITED.warn("sip-io", "SIP could not reach " + event.getHost() + ":" + event.getPort() + " ("
                    + event.getTransport() + ")", null);
        }

        @Override
        public void processTransactionTerminated(TransactionTerminatedEvent event) {
            // nothing kept per transaction beyond its own application data
        }

        @Override
        public void processDialogTerminated(DialogTerminatedEvent event) {
            dialogGone(event.getDialog());
        }

        /** A dialog whose 2xx was never ACKed, or whose re-INVITE timed out: the call cannot go on. */
        @Override
        public void processDialogTimeout(DialogTimeoutEvent event) {
            dialogGone(event.getDialog());
        }

        /** A call's dialog ended without a BYE the server saw (after one, the call has ended already). */
        private void dialogGone(Dialog dialog) {
            try {
                if (dialog != null && dialog.getApplicationData() instanceof Leg leg) {
                    calls.dialogGone(leg);
                }
            } catch (RuntimeException e) {
                LIMITED.warn("sip-dialog", "a lost dialog could not be ended: " + e, null);
            }
        }
    }
}
