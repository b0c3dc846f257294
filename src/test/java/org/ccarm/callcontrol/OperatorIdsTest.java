package org.ccarm.callcontrol;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OperatorIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"1001", "anna.k", "team_7-b", "A", "0123456789012345678901234567890123456789012345678901234567890123"})
    void lettersDigitsDotsUnderscoresAndDashesUpTo64AreOperatorIds(String id) {
        assertTrue(OperatorIds.isValid(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "a b", "1001\u202e", "café", "1001;x", "a/b", "x\u0000",
            "01234567890123456789012345678901234567890123456789012345678901234"})
    void anythingElseIsNot(String id) {
        assertFalse(OperatorIds.isValid(id));
    }
}
