package org.ccarm.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a command's {@code in} document says, once read and validated against the
 * command's schema, in whichever wire format it came: the attributes of its command
 * element, as written. Every command of the API carries its arguments this way
 * ({@code <in><request><call_unhold conversation_id="..."/></request></in>}).
 */
public record CommandInput(String command, Map<String, String> attributes) {

    public CommandInput {
        Objects.requireNonNull(command, "command");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /** An attribute's value; empty when the document does not give it. */
    public Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }
}
