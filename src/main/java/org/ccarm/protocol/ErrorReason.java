package org.ccarm.protocol;

/**
 * The stable, machine-readable reasons an {@code out} document's {@code error} can
 * carry, each with the HTTP status it travels with (websocket frames carry the same
 * status). {@code cannot_perform_cmd} with 403 is the vendor's; the rest are this
 * project's and are documented in the README: never rename one.
 */
public enum ErrorReason {
    /** The request is well formed but a rule of the command refuses it. */
    CANNOT_PERFORM_CMD("cannot_perform_cmd", 403),
    /** An operator (not a supervisor) named another operator in {@code operator_id}. */
    NOT_PERMITTED("not_permitted", 403),
    /** The command needs a session and the request has none that is valid (answered with {@code WWW-Authenticate: Bearer}). */
    NOT_AUTHENTICATED("not_authenticated", 401),
    /** A login with an unknown operator or a wrong password: the same answer for both, in the same time. */
    INVALID_CREDENTIALS("invalid_credentials", 401),
    /** Too many failed logins for this operator from this address, or from this address: wait ({@code Retry-After}). */
    TOO_MANY_ATTEMPTS("too_many_attempts", 429),
    /** A browser's request (cookie, or none) from an origin that is not the server's own or an allowed one. */
    FORBIDDEN_ORIGIN("forbidden_origin", 403),
    /** The first path segment names no domain this server serves. */
    UNKNOWN_DOMAIN("unknown_domain", 404),
    /** A command name under {@code /<DOMAIN>/service/cc/arm/} this server does not know. */
    UNKNOWN_COMMAND("unknown_command", 404),
    /** A path outside the API. */
    NOT_FOUND("not_found", 404),
    /** A command was called with a method other than POST. */
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    /** The body is larger than the configured limit. */
    BODY_TOO_LARGE("body_too_large", 413),
    /** The Content-Type (or its charset) is neither XML nor the JSON form, or the body has a Content-Encoding. */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    /** The body is empty. */
    EMPTY_BODY("empty_body", 400),
    /** The body is not well-formed XML (including bytes that contradict the declared encoding). */
    MALFORMED_XML("malformed_xml", 400),
    /** The XML declares a DOCTYPE, which is refused whatever it holds. */
    DOCTYPE_FORBIDDEN("doctype_forbidden", 400),
    /**
     * The body is not the JSON form of a document: not JSON, or not an array holding one
     * element object of {@code _name}, {@code _attributes} and {@code _content}.
     */
    MALFORMED_JSON("malformed_json", 400),
    /** A websocket frame whose header cannot be read: too short, or a non-digit length or id, or no command. */
    BAD_FRAME("bad_frame", 400),
    /** A websocket frame of a format version this server does not speak (it speaks {@code 01}). */
    UNSUPPORTED_VERSION("unsupported_version", 400),
    /** The document is well formed but not valid against the command's schema, or names no conversation. */
    INVALID_DOCUMENT("invalid_document", 400),
    /** The HTTP request itself could not be read (a bad request line or URI, conflicting headers, a broken body). */
    BAD_REQUEST("bad_request", 400),
    /** The request's head or body did not arrive within its deadline or above the minimum rate. */
    REQUEST_TIMEOUT("request_timeout", 408),
    /** The request line's URI is longer than the header limit allows. */
    URI_TOO_LONG("uri_too_long", 414),
    /** The request's headers are larger than the limit. */
    HEADERS_TOO_LARGE("headers_too_large", 431),
    /** A plain GET on the websocket path, or an upgrade to a websocket version other than 13. */
    UPGRADE_REQUIRED("upgrade_required", 426),
    /** Too many connections, in total or from one client address: the connection is refused and closed. */
    TOO_MANY_CONNECTIONS("too_many_connections", 503),
    /**
     * The shared store could not be reached or did not answer in time; answered with
     * {@code Retry-After}. When a change had been sent and its reply was lost, the detail
     * says the outcome is unknown: a retry gets the honest answer.
     */
    STORE_UNAVAILABLE("store_unavailable", 503),
    /**
     * With {@code audit.durability=synced}, the audit trail cannot be written (a full disk,
     * an I/O error): a change is refused before it is made, or, when its own line failed
     * after it was made, answered so with a detail saying the change was made
     * ({@code Retry-After}).
     */
    AUDIT_UNAVAILABLE("audit_unavailable", 503),
    /**
     * The conversation is a SIP call carried by another instance, to which the command was
     * handed, and that instance did not answer within {@code sip.handover-timeout-ms}; with
     * {@code Retry-After}. The outcome is unknown: the owner may still carry it out.
     */
    OWNER_UNAVAILABLE("owner_unavailable", 503),
    /** Every password check is busy (logins queue on a small pool of their own): try again ({@code Retry-After}). */
    LOGINS_BUSY("logins_busy", 503),
    /** The server is stopping: new commands go to another instance. */
    SHUTTING_DOWN("shutting_down", 503),
    /** A request line of an HTTP version other than 1.0 or 1.1. */
    HTTP_VERSION_NOT_SUPPORTED("http_version_not_supported", 505),
    /** An unexpected failure inside the server; details are in the server's log only. */
    INTERNAL_ERROR("internal_error", 500);

    private final String code;
    private final int status;

    ErrorReason(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The reason as written on the wire. */
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
