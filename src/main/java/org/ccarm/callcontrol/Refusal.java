package org.ccarm.callcontrol;

/**
 * Why a command that is well formed cannot be carried out now: the closed set of
 * rule failures. Every one but {@link #NOT_PERMITTED} is the vendor's
 * {@code cannot_perform_cmd}; the detail says which rule refused.
 */
public enum Refusal {
    /** No conversation with this id in the request's domain. */
    NO_SUCH_CONVERSATION,
    /** call_unhold of a conversation that is not on hold. */
    NOT_ON_HOLD,
    /** call_hold of a conversation that is already on hold. */
    ALREADY_ON_HOLD,
    /** The acting operator does not take part in the conversation. */
    NOT_A_PARTICIPANT,
    /** call_hold without operator_id on a conversation with several operators. */
    OPERATOR_REQUIRED,
    /** A phone (a leg of a SIP call) refused the media change or did not answer it in time. */
    MEDIA_REFUSED,
    /**
     * The rules allow the change, but the call is carried by another instance (SIP), which
     * must make it (the media first): the command is handed over to it. Never answered as such.
     */
    CARRIED_ELSEWHERE,
    /** An operator (not a supervisor) named another operator in operator_id. */
    NOT_PERMITTED
}
