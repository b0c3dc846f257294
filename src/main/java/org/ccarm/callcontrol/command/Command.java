package org.ccarm.callcontrol.command;

import org.ccarm.callcontrol.TransitionResult;

/** One command of the API, named as on the wire (e.g. {@code call_unhold}). */
public interface Command {

    String name();

    /** Carries the command out, atomically: either it happens or nothing changes. */
    TransitionResult execute(CommandRequest request);
}
