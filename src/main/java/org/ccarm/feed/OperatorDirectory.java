package org.ccarm.feed;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.ccarm.audit.AuditEntry;
import org.ccarm.audit.AuditLog;
import org.ccarm.auth.Authentication;
import org.ccarm.auth.Operator;
import org.ccarm.auth.PasswordHashing;
import org.ccarm.callcontrol.OperatorIds;
import org.ccarm.protocol.json.JsonForm;
import org.ccarm.store.StoreUnavailableException;

/**
 * The switch feed's operator directory: {@code {"password": "...", "supervisor": false}}
 * creates or replaces an operator (its password hashed at once, never kept or shown);
 * reading one shows its id and flag only; deleting one, or changing its password, ends
 * its sessions on every instance. A fixture lists operators with their hashes only
 * ({@code {"id": "1001", "password_hash": "$argon2id$...", "supervisor": false}}), so no
 * clear password ever sits in a file. Every change is audited.
 */
public final class OperatorDirectory {

    /** The most characters a password may have: hashing a megabyte would be a cheap attack. */
    static final int MAX_PASSWORD = 256;
    static final int MIN_PASSWORD = 8;

    record Reported(@JsonProperty("password") String password, @JsonProperty("supervisor") Boolean supervisor) {
        @Override
        public String toString() {
            return "Reported[password=***, supervisor=" + supervisor + "]";
        }
    }

    record FixtureEntry(@JsonProperty("id") String id, @JsonProperty("password_hash") String passwordHash,
                        @JsonProperty("supervisor") Boolean supervisor) {}

    @JsonPropertyOrder({"id", "domain", "supervisor"})
    record Shown(@JsonProperty("id") String id, @JsonProperty("domain") String domain,
                 @JsonProperty("supervisor") boolean supervisor) {}

    private final Authentication authentication;
    private final AuditLog audit;
    private final ObjectMapper mapper = ConversationJson.strictMapper();

    public OperatorDirectory(Authentication authentication, AuditLog audit) {
        this.authentication = authentication;
        this.audit = audit;
    }

    /** What a put did: created or replaced the operator, shown as {@link #find} shows it. */
    public record Put(boolean created, byte[] shown) {}

    /** Creates or replaces an operator. */
    public Put put(String domain, String id, byte[] body, String requestId)
            throws InvalidInputException, FeedUnavailableException {
        long start = System.nanoTime();
        if (!audit.acceptsChanges()) {
            throw new AuditUnavailableException();
        }
        checkId(id);
        if (!JsonForm.looksLikeUtf8(body)) {
            throw new InvalidOperatorException("the feed's JSON is UTF-8; this body is UTF-16 or UTF-32");
        }
        Reported reported;
        try {
            reported = mapper.readValue(body, Reported.class);
        } catch (IOException e) {
            throw new InvalidOperatorException("the body is not an operator: " + (e instanceof JsonProcessingException json
                    ? json.getOriginalMessage() : "it cannot be read as JSON"));
        }
        if (reported == null || reported.password() == null) {
            throw new InvalidOperatorException("an operator needs {\"password\": \"...\"} (and may say \"supervisor\": true)");
        }
        checkPassword(reported.password());
        boolean created;
        try {
            created = authentication.putOperator(domain, id, reported.password(), Boolean.TRUE.equals(reported.supervisor()));
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        } catch (RejectedExecutionException e) {
            throw new FeedUnavailableException("every password hashing thread is busy; try again shortly", e);
        }
        if (!audit(domain, id, "operator_put", created ? "created" : "replaced", created ? 201 : 200, start, requestId)) {
            throw AuditUnavailableException.afterTheChange();
        }
        return new Put(created, bytes(new Shown(id, domain, Boolean.TRUE.equals(reported.supervisor()))));
    }

    /** The operator as shown: id, domain and flag; never the password or its hash. */
    public Optional<byte[]> find(String domain, String id) throws FeedUnavailableException {
        try {
            return authentication.operator(domain, id).map(o -> bytes(new Shown(o.id(), o.domain(), o.supervisor())));
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
    }

    /** Deletes an operator and ends its sessions; false when there was none. */
    public boolean delete(String domain, String id, String requestId)
            throws FeedUnavailableException, AuditUnavailableException {
        long start = System.nanoTime();
        if (!audit.acceptsChanges()) {
            throw new AuditUnavailableException();
        }
        boolean deleted;
        try {
            deleted = authentication.deleteOperator(domain, id);
        } catch (StoreUnavailableException e) {
            throw unavailable(e);
        }
        if (deleted && !audit(domain, id, "operator_delete", "deleted", 204, start, requestId)) {
            throw AuditUnavailableException.afterTheChange();
        }
        return deleted;
    }

    /**
     * Loads a domain's operators from its fixture (none: an empty directory), once ever; how
     * many, or -1 when loaded before. Every domain's directory is loaded, fixture or not, so
     * that a store that lost its data can be told by the directory's flag being gone.
     */
    public int loadFixture(String domain, Optional<URL> fixture) throws IOException {
        return authentication.loadOperatorsOnce(domain, fixture.isPresent() ? read(domain, fixture.get()) : List.of());
    }

    /** Whether the domain's directory is loaded (false: a shared store lost its data). */
    public boolean loaded(String domain) {
        return authentication.directoryLoaded(domain);
    }

    private List<Operator> read(String domain, URL fixture) throws IOException {
        List<FixtureEntry> entries;
        try (InputStream in = fixture.openStream()) {
            entries = mapper.readValue(in, mapper.getTypeFactory().constructCollectionType(List.class, FixtureEntry.class));
        } catch (JsonProcessingException e) {
            throw new IOException(fixture + ": not a JSON array of operators: " + e.getOriginalMessage(), e);
        }
        List<Operator> operators = new ArrayList<>();
        for (int index = 0; entries != null && index < entries.size(); index++) {
            FixtureEntry entry = entries.get(index);
            if (entry == null || !OperatorIds.isValid(entry.id()) || entry.passwordHash() == null
                    || !entry.passwordHash().startsWith(PasswordHashing.HASH_PREFIX)) {
                // the parameters must be the ones of the dummy hash too: a cheaper or dearer check would tell
                // a known operator from an unknown one by its time
                throw new IOException(fixture + ": entry " + index + " needs an id (" + OperatorIds.rule() + ") and a password_hash made by "
                        + "org.ccarm.tools.HashPassword (" + PasswordHashing.HASH_PREFIX + "...); never a clear password");
            }
            operators.add(new Operator(domain, entry.id(), entry.passwordHash(), Boolean.TRUE.equals(entry.supervisor())));
        }
        return operators;
    }

    private static void checkId(String id) throws InvalidOperatorException {
        if (!OperatorIds.isValid(id)) {
            throw new InvalidOperatorException(OperatorIds.rule());
        }
    }

    /**
     * 8 to 256 characters of valid Unicode without control characters: a lone surrogate
     * was hashed as '?' (so '????????' logged in), and a NUL or a line break cannot be typed
     * at a login form anyway.
     */
    private static void checkPassword(String password) throws InvalidOperatorException {
        int length = password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
            throw new InvalidOperatorException("a password has " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        boolean refused = password.codePoints().anyMatch(c -> Character.getType(c) == Character.SURROGATE
                || Character.isISOControl(c) || !Character.isDefined(c));
        if (refused) {
            throw new InvalidOperatorException("a password is valid Unicode text without control characters");
        }
    }

    private byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a record of strings always serialises", e);
        }
    }

    private static FeedUnavailableException unavailable(StoreUnavailableException e) {
        return new FeedUnavailableException(e.outcomeUnknown()
                ? "the store did not confirm the change: its outcome is unknown; read the operator back to learn it"
                : "the store cannot be reached now; nothing was changed; try again shortly", e);
    }

    /** Records the change's line; false when a synced audit did not keep it. */
    private boolean audit(String domain, String id, String change, String outcome, int status, long start,
                          String requestId) {
        return audit.record(new AuditEntry("feed", domain, change, null, 0, 0, id, outcome, status,
                (System.nanoTime() - start) / 1_000, requestId, null));
    }
}
