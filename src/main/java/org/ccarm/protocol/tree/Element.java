package org.ccarm.protocol.tree;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An XML element as written: its qualified name (prefix included), its attributes in
 * document order (namespace declarations included, as {@code xmlns:p}), and its
 * content. Immutable.
 */
public record Element(String name, Map<String, String> attributes, List<Node> content) implements Node {

    public Element {
        Objects.requireNonNull(name, "name");
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes)); // keeps order
        content = List.copyOf(content);
    }

    public static Element of(String name, Node... content) {
        return new Element(name, Map.of(), List.of(content));
    }
}
