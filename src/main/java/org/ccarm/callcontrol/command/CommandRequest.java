package org.ccarm.callcontrol.command;

import java.util.Objects;
import java.util.Optional;

/**
 * The arguments every call-control command of this shape takes, already read
 * from whatever wire format carried them.
 */
public record CommandRequest(String domain, String conversationId, Optional<String> operatorId) {

    public CommandRequest {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(operatorId, "operatorId");
    }
}
