package org.ccarm.sip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedNetworksTest {

    @Test
    void trustsAddressesInsideItsNetworksOnly() {
        TrustedNetworks trusted = TrustedNetworks.of(List.of("127.0.0.0/8", "::1/128", "10.1.2.0/23", "192.0.2.9"));
        assertTrue(trusted.trusts("127.0.0.1"));
        assertTrue(trusted.trusts("127.255.0.3"));
        assertTrue(trusted.trusts("::1"));
        assertTrue(trusted.trusts("10.1.3.200"));
        assertFalse(trusted.trusts("10.1.4.1"));
        assertTrue(trusted.trusts("192.0.2.9"));
        assertFalse(trusted.trusts("192.0.2.10"));
        assertFalse(trusted.trusts("128.0.0.1"));
        assertFalse(trusted.trusts("::2"));
    }

    @Test
    void neverResolvesNamesAndRefusesBadNetworks() {
        TrustedNetworks trusted = TrustedNetworks.of(List.of("127.0.0.0/8"));
        assertFalse(trusted.trusts("localhost"));
        assertFalse(trusted.trusts(null));
        assertThrows(IllegalArgumentException.class, () -> TrustedNetworks.of(List.of("example.com/8")));
        assertThrows(IllegalArgumentException.class, () -> TrustedNetworks.of(List.of("10.0.0.0/33")));
    }
}
