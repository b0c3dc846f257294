package org.ccarm.callcontrol;

import java.util.regex.Pattern;

/**
 * What an operator id may be: 1 to 64 of {@code [A-Za-z0-9._-]}. Ids are named in URLs,
 * in space-separated lists ({@code subscribe}'s {@code operator_id}), in audit lines and
 * as the user part of a SIP URI; a space, a bidi control or a path parameter in one
 * (all once accepted) breaks one of them or makes two ids look alike.
 */
public final class OperatorIds {

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private OperatorIds() {}

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Why {@code id} is refused, for a detail. */
    public static String rule() {
        return "an operator id has 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'";
    }
}
