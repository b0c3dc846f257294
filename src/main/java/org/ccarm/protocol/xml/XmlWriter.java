package org.ccarm.protocol.xml;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.ccarm.protocol.tree.Element;
import org.ccarm.protocol.tree.Node;
import org.ccarm.protocol.tree.Text;

/**
 * Writes an element tree as compact XML in UTF-8, without an XML declaration (as the
 * vendor's answers are written). Answers are small and fixed in shape, so writing
 * them directly gives the vendor's exact bytes, which JAXB's marshaller cannot (it
 * names the schema-instance prefix {@code xsi}, not {@code xs}).
 */
public final class XmlWriter {

    private XmlWriter() {}

    public static byte[] toBytes(Element root) {
        return toString(root).getBytes(StandardCharsets.UTF_8);
    }

    public static String toString(Element root) {
        StringBuilder out = new StringBuilder(256);
        write(root, out);
        return out.toString();
    }

    private static void write(Element element, StringBuilder out) {
        out.append('<').append(element.name());
        for (Map.Entry<String, String> attribute : element.attributes().entrySet()) {
            out.append(' ').append(attribute.getKey()).append("=\"");
            escape(attribute.getValue(), true, out);
            out.append('"');
        }
        if (element.content().isEmpty()) {
            out.append("/>");
            return;
        }
        out.append('>');
        for (Node child : element.content()) {
            if (child instanceof Element e) {
                write(e, out);
            } else {
                escape(((Text) child).value(), false, out);
            }
        }
        out.append("</").append(element.name()).append('>');
    }

    /**
     * Escapes markup characters; in attributes also whitespace other than space, which
     * a parser would otherwise normalise away. Characters XML 1.0 cannot carry at all
     * (most control characters, lone surrogates) become U+FFFD: they can reach an
     * answer only by being echoed from a client.
     */
    static void escape(String text, boolean inAttribute, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(inAttribute ? "&quot;" : "\"");
                case '\t' -> out.append(inAttribute ? "&#9;" : "\t");
                case '\n' -> out.append(inAttribute ? "&#10;" : "\n");
                case '\r' -> out.append("&#13;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == 0xFFFE || c == 0xFFFF) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}
