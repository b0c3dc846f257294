package org.ccarm.sip;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.sip.InvalidArgumentException;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ExpiresHeader;
import javax.sip.header.Header;
import javax.sip.header.ToHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.ccarm.auth.AuthStore;
import org.ccarm.auth.Binding;
import org.ccarm.logging.RateLimitedLog;
import org.ccarm.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registrar of operators' phones (RFC 3261 s10): a phone registers
 * {@code sip:<operator_id>@<host>} with a contact and an expiry; the bindings live in the
 * store, so with Redis every instance can route to a phone registered through another.
 */
final class Registrar {

    private static final Logger LOG = LoggerFactory.getLogger(Registrar.class);
    private static final RateLimitedLog LIMITED = new RateLimitedLog(LOG, 1, TimeUnit.MINUTES);
    static final int MIN_EXPIRES = 60;
    private static final int DEFAULT_EXPIRES = 3600;

    private final AuthStore operators;
    private final int maxExpires;
    private final Clock clock;
    private final Executor continuations;
    private volatile SipMessages sip;

    Registrar(AuthStore operators, int maxExpires, Clock clock, Executor continuations) {
        this.operators = operators;
        this.maxExpires = maxExpires;
        this.clock = clock;
        this.continuations = continuations;
    }

    void start(SipMessages messages) {
        this.sip = messages;
    }

    void register(ServerTransaction transaction, String domain) {
        Request request = transaction.getRequest();
        String operatorId = ((SipURI) ((ToHeader) request.getHeader(ToHeader.NAME)).getAddress().getURI()).getUser();
        if (operatorId == null || operatorId.isEmpty()) {
            sip.respond(transaction, Response.NOT_FOUND);
            return;
        }
        Header expiresField = request.getHeader(ExpiresHeader.NAME);
        if (expiresField != null && (!(expiresField instanceof ExpiresHeader header) || header.getExpires() < 0)) {
            sip.respond(transaction, Response.BAD_REQUEST); // an Expires that is no number of seconds
            return;
        }
        int requested = expiresField == null ? DEFAULT_EXPIRES : ((ExpiresHeader) expiresField).getExpires();
        Instant now = clock.instant();
        List<Binding> add = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        boolean removeAll = false;
        int count = 0;
        ListIterator<?> contacts = request.getHeaders(ContactHeader.NAME);
        while (contacts.hasNext()) {
            ContactHeader contact = (ContactHeader) contacts.next();
            count++;
            if (contact.getAddress().isWildcard()) {
                removeAll = true;
                continue;
            }
            String expiresParameter = contact.getParameter("expires");
            if (expiresParameter != null && !expiresParameter.matches("[0-9]{1,9}")) {
                sip.respond(transaction, Response.BAD_REQUEST);
                return;
            }
            int expires = expiresParameter != null ? Integer.parseInt(expiresParameter) : requested;
            if (!(contact.getAddress().getURI() instanceof SipURI)) {
                sip.respond(transaction, Response.BAD_REQUEST); // a phone is reached at a sip: or sips: URI
                return;
            }
            String uri = contact.getAddress().getURI().toString();
            if (expires == 0) {
                remove.add(uri);
            } else if (expires < MIN_EXPIRES) {
                sip.respond(transaction, Response.INTERVAL_TOO_BRIEF, null, response -> {
                    try {
                        response.addHeader(sip.headers.createMinExpiresHeader(MIN_EXPIRES));
                    } catch (InvalidArgumentException e) {
                        throw new IllegalStateException(e);
                    }
                });
                return;
            } else {
                add.add(new Binding(uri, now.plusSeconds(Math.min(expires, maxExpires)), now));
            }
        }
        // "*" only alone and only with Expires: 0 (RFC 3261 s10.3); a phone registers a few contacts, not thousands
        if ((removeAll && (count > 1 || requested != 0)) || count > AuthStore.MAX_BINDINGS) {
            sip.respond(transaction, Response.BAD_REQUEST);
            return;
        }
        boolean everything = removeAll;
        operators.operatorLater(domain, operatorId)
                .thenCompose(operator -> operator.isEmpty() ? CompletableFuture.completedFuture(null)
                        : operators.registerLater(domain, operatorId, add, remove, everything, now))
                .whenCompleteAsync((bindings, failure) -> {
                    if (failure != null) {
                        boolean unavailable = StoreUnavailableException.in(failure).isPresent();
                        if (!unavailable) {
                            LIMITED.warn("sip-register", "a registration failed: " + failure, failure);
                        }
                        sip.respond(transaction, unavailable ? Response.SERVICE_UNAVAILABLE : Response.SERVER_INTERNAL_ERROR,
                                null, response -> sip.retryAfter(response, 5));
                    } else if (bindings == null) {
                        sip.respond(transaction, Response.NOT_FOUND);
                    } else {
                        sip.respond(transaction, Response.OK, null, response -> listBindings(response, bindings));
                    }
                }, continuations);
    }

    private void listBindings(Response response, List<Binding> bindings) {
        Instant now = clock.instant();
        for (Binding binding : bindings) {
            try {
                ContactHeader contact = sip.headers.createContactHeader(sip.addresses.createAddress(binding.contact()));
                contact.setExpires((int) binding.secondsLeft(now));
                response.addHeader(contact);
            } catch (ParseException | InvalidArgumentException e) {
                LOG.debug("a binding could not be listed: {}", e.toString());
            }
        }
    }
}
