package org.ccarm.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The shape of a command's {@code in} document that the canonical fast paths
 * recognise: {@code <in><request><NAME a="..." .../></request></in>}, whose command
 * element has only string attributes: these {@code required} ones and these
 * {@code optional} ones. Read from the command's schema (through the classes xjc
 * generated from it), never written by hand, so a fast path cannot drift from the
 * schema it stands in for.
 */
public record CommandShape(String command, List<String> required, List<String> optional) {

    public CommandShape {
        Objects.requireNonNull(command, "command");
        required = List.copyOf(required);
        optional = List.copyOf(optional);
    }

    /** Every attribute the command element may carry. */
    public List<String> attributes() {
        return java.util.stream.Stream.concat(required.stream(), optional.stream()).toList();
    }
}
