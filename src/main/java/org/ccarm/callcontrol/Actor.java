package org.ccarm.callcontrol;

import java.util.Objects;

/**
 * Who asks for a change, as the server authenticated them: an operator, who may act for
 * itself in the conversations it takes part in, or a supervisor, who may act for anyone
 * in any conversation of its domain. Absent when authentication is off.
 */
public record Actor(String operatorId, boolean supervisor) {

    public Actor {
        Objects.requireNonNull(operatorId, "operatorId");
    }
}
