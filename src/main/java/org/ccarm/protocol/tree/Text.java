package org.ccarm.protocol.tree;

import java.util.Objects;

/** Character content of an element. */
public record Text(String value) implements Node {

    public Text {
        Objects.requireNonNull(value, "value");
    }
}
