package org.ccarm.sip;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The networks whose SIP requests the server takes ({@code sip.trusted-networks}): phones
 * and trunks on a network the operator controls, as with IP-authenticated trunks. There is
 * no digest authentication in this version, so this list is the whole of SIP's trust.
 */
final class TrustedNetworks {

    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (address[full] & mask);
        }
    }

    private final List<Network> networks;

    private TrustedNetworks(List<Network> networks) {
        this.networks = networks;
    }

    /** From CIDRs such as {@code 10.0.0.0/8} or {@code ::1/128} (a bare address is one host); a bad one refuses the start. */
    static TrustedNetworks of(List<String> cidrs) {
        List<Network> networks = new ArrayList<>();
        for (String cidr : cidrs) {
            if (cidr.isBlank()) {
                continue;
            }
            String[] parts = cidr.trim().split("/", 2);
            try {
                if (!parts[0].matches("[0-9a-fA-F:.]+")) {
                    throw new UnknownHostException(parts[0]); // a literal address, never a name to resolve
                }
                byte[] address = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new NumberFormatException();
                }
                networks.add(new Network(address, prefix));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("'sip.trusted-networks': '" + cidr + "' is not an address/prefix");
            }
        }
        return new TrustedNetworks(List.copyOf(networks));
    }

    boolean trusts(String address) {
        if (address == null || !address.matches("[0-9a-fA-F:.%]+")) {
            return false;
        }
        try {
            byte[] candidate = InetAddress.getByName(address.replaceAll("%.*", "")).getAddress();
            return networks.stream().anyMatch(network -> network.contains(candidate));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
