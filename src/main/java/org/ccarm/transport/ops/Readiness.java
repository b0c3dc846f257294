package org.ccarm.transport.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether this instance should get traffic: each check by name, with its state. Ready
 * when every check passes.
 */
public record Readiness(Map<String, Check> checks) {

    /** One check: passing or not, and what it saw (e.g. {@code up}, {@code unreachable}). */
    public record Check(boolean passing, String state) {}

    public Readiness {
        checks = new LinkedHashMap<>(checks);
    }

    public boolean ready() {
        return checks.values().stream().allMatch(Check::passing);
    }
}
