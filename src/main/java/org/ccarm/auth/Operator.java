package org.ccarm.auth;

import java.util.Objects;

/** An operator of a domain's directory: its id, its password's hash (never the password), and whether it supervises. */
public record Operator(String domain, String id, String passwordHash, boolean supervisor) {

    public Operator {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(passwordHash, "passwordHash");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("an operator id must not be empty");
        }
    }
}
