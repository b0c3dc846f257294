package org.ccarm.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.protocol.tree.Element;
import org.ccarm.protocol.tree.Text;

/**
 * The one mapper from an {@link Answer} to the vendor's {@code out} document, for
 * success and error alike; every wire format serialises the element this returns.
 */
public final class OutDocuments {

    /** The namespace the vendor's {@code xs:} prefix is bound to on {@code out}. */
    public static final String XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";

    /** Client-chosen text echoed into an answer is cut here, so a huge id cannot inflate answers. */
    static final int MAX_ECHOED_CHARS = 256;

    private OutDocuments() {}

    public static Element toElement(Answer answer) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("xmlns:xs", XSI_NAMESPACE);
        attributes.put("xs:noNamespaceSchemaLocation", answer.knownCommand() ? answer.cmd() + ".xsd" : "error.xsd");
        Element body = answer.isOk()
                ? Element.of("response", answer.okContent() == null ? Element.of("ok") : Element.of("ok", answer.okContent()))
                : errorElement(answer);
        return new Element("out", attributes, List.of(body));
    }

    private static Element errorElement(Answer answer) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("cmd", cut(answer.cmd()));
        attributes.put("reason", answer.reason().code());
        return new Element("error", attributes, List.of(new Text(cut(answer.detail()))));
    }

    static String cut(String text) {
        return text.length() <= MAX_ECHOED_CHARS ? text : text.substring(0, MAX_ECHOED_CHARS) + "...";
    }
}
