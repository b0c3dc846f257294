package org.ccarm.callcontrol;

import static org.ccarm.callcontrol.Conversations.SOME_TIME;
import static org.ccarm.callcontrol.Conversations.free;
import static org.ccarm.callcontrol.Conversations.heldBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Who may act (docs/protocol.md, "Sessions"), at the domain level: the transitions with an
 * {@link Actor}. An operator acts in its own conversations only, for itself only; a
 * supervisor acts for anyone; what an operator may not see is answered as missing.
 */
class RightsTest {

    private static final Actor OPERATOR_1001 = new Actor("1001", false);
    private static final Actor OPERATOR_1003 = new Actor("1003", false);
    private static final Actor SUPERVISOR = new Actor("9001", true);

    private static TransitionResult unhold(Conversation c, String operatorId, Actor actor) {
        return new Transition.ReleaseHold(Optional.ofNullable(operatorId), Optional.of(actor)).applyTo(c);
    }

    private static TransitionResult hold(Conversation c, String operatorId, Actor actor) {
        return new Transition.PlaceHold(Optional.ofNullable(operatorId), SOME_TIME, Optional.of(actor)).applyTo(c);
    }

    @Test
    void anOperatorReleasesAHoldInItsOwnConversation() {
        TransitionResult.Applied applied = assertInstanceOf(TransitionResult.Applied.class,
                unhold(heldBy("1001", "demo", "c", "1001", "1002"), null, OPERATOR_1001));
        assertEquals("1001", applied.actingOperator());
    }

    @Test
    void withoutOperatorIdTheHolderReleasesEvenWhenAnotherParticipantAsks() {
        // the seed's rule: call_unhold without operator_id acts as the operator who requested the hold
        TransitionResult.Applied applied = assertInstanceOf(TransitionResult.Applied.class,
                unhold(heldBy("1002", "demo", "c", "1001", "1002"), null, OPERATOR_1001));
        assertEquals("1002", applied.actingOperator());
    }

    @Test
    void aConversationTheOperatorIsNotInIsAnsweredExactlyLikeAMissingOne() {
        Conversation notMine = heldBy("1001", "demo", "c", "1001", "1002");
        TransitionResult.Refused refused = assertInstanceOf(TransitionResult.Refused.class, unhold(notMine, null, OPERATOR_1003));
        TransitionResult missing = TransitionResult.noSuchConversation(notMine.key());
        assertEquals(missing, refused, "nothing may tell an existing conversation of others from a missing one");
        assertEquals(missing, hold(free("demo", "c", "1001"), "1001", OPERATOR_1003));
    }

    @Test
    void namingAnotherOperatorIsNotPermittedToAnOperator() {
        TransitionResult.Refused refused = assertInstanceOf(TransitionResult.Refused.class,
                unhold(heldBy("1002", "demo", "c", "1001", "1002"), "1002", OPERATOR_1001));
        assertEquals(Refusal.NOT_PERMITTED, refused.refusal());
        assertEquals(Refusal.NOT_PERMITTED, ((TransitionResult.Refused) hold(free("demo", "c", "1001", "1002"), "1002",
                OPERATOR_1001)).refusal());
    }

    @Test
    void aSupervisorActsForAnyoneInAnyConversationOfItsDomain() {
        TransitionResult.Applied released = assertInstanceOf(TransitionResult.Applied.class,
                unhold(heldBy("1002", "demo", "c", "1001", "1002"), "1002", SUPERVISOR));
        assertEquals("1002", released.actingOperator());
        TransitionResult.Applied held = assertInstanceOf(TransitionResult.Applied.class,
                hold(free("demo", "c", "1003"), null, SUPERVISOR));
        assertEquals("1003", held.actingOperator(), "a supervisor without operator_id: the sole operator, as with no session");
    }

    @Test
    void holdWithoutOperatorIdIsTheRequestingOperatorsOwn() {
        TransitionResult.Applied applied = assertInstanceOf(TransitionResult.Applied.class,
                hold(free("demo", "c", "1001", "1002"), null, OPERATOR_1001));
        assertEquals("1001", applied.actingOperator());
        assertEquals("1001", applied.after().hold().orElseThrow().heldBy());
    }

    @Test
    void theRulesOfHoldStillApplyToThoseWhoMayAct() {
        TransitionResult.Refused refused = assertInstanceOf(TransitionResult.Refused.class,
                unhold(free("demo", "c", "1001"), null, OPERATOR_1001));
        assertEquals(Refusal.NOT_ON_HOLD, refused.refusal());
    }
}
