package org.ccarm.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The optional HTTPS (and wss) listener, beside the plain one.
 *
 * @param port     {@code https.port}; 0 takes any free port; absent: no HTTPS listener
 * @param keystore {@code https.keystore}: a PKCS#12 file with the server's key and certificate
 * @param password the keystore's password: best from the environment ({@code CCARM_HTTPS_KEYSTORE_PASSWORD}),
 *                 so that it does not sit in a file next to the keystore
 */
public record TlsConfig(Optional<Integer> port, Path keystore, String password) {

    public static final TlsConfig NONE = new TlsConfig(Optional.empty(), null, null);

    public TlsConfig {
        Objects.requireNonNull(port, "port");
        if (port.isPresent()) {
            if (port.get() < 0 || port.get() > 65535) {
                throw new IllegalArgumentException("'https.port' must be 0..65535, not " + port.get());
            }
            if (keystore == null) {
                throw new IllegalArgumentException("'https.port' needs 'https.keystore', a PKCS#12 file");
            }
            if (password == null) {
                throw new IllegalArgumentException("'https.port' needs the keystore's password in CCARM_HTTPS_KEYSTORE_PASSWORD");
            }
        }
    }

    @Override
    public String toString() {
        return "TlsConfig[port=" + port + ", keystore=" + keystore + ", password=***]";
    }

    public boolean enabled() {
        return port.isPresent();
    }
}
