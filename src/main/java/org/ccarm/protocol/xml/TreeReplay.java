package org.ccarm.protocol.xml;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import org.ccarm.protocol.tree.Element;
import org.ccarm.protocol.tree.Node;
import org.ccarm.protocol.tree.Text;
import org.xml.sax.ContentHandler;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.AttributesImpl;

/**
 * Plays an element tree to a SAX handler as a namespace-aware parser would have
 * reported the same document, so that a document that arrived as JSON goes through
 * the very validator and binder an XML one does. {@code xmlns} attributes become
 * prefix mappings; every other prefix must be declared in scope.
 */
final class TreeReplay {

    /** A prefix used but not declared: the tree is not a namespace-well-formed document. */
    static final class UnboundPrefix extends SAXException {
        private static final long serialVersionUID = 1L;

        UnboundPrefix(String qName) {
            super("the prefix of \"" + qName + "\" is not declared in scope (declare it with an xmlns: attribute)");
        }
    }

    private final ContentHandler handler;
    private final Deque<Map<String, String>> scopes = new ArrayDeque<>();

    private TreeReplay(ContentHandler handler) {
        this.handler = handler;
    }

    static void replay(Element root, ContentHandler handler) throws SAXException {
        TreeReplay replay = new TreeReplay(handler);
        handler.startDocument();
        replay.element(root);
        handler.endDocument();
    }

    private void element(Element element) throws SAXException {
        Map<String, String> declared = new HashMap<>();
        AttributesImpl attributes = new AttributesImpl();
        for (Map.Entry<String, String> attribute : element.attributes().entrySet()) {
            String name = attribute.getKey();
            if (name.equals("xmlns") || name.startsWith("xmlns:")) {
                declared.put(name.equals("xmlns") ? "" : name.substring(6), attribute.getValue());
            }
        }
        scopes.push(declared);
        for (Map.Entry<String, String> mapping : declared.entrySet()) {
            handler.startPrefixMapping(mapping.getKey(), mapping.getValue());
        }
        for (Map.Entry<String, String> attribute : element.attributes().entrySet()) {
            String name = attribute.getKey();
            if (!name.equals("xmlns") && !name.startsWith("xmlns:")) {
                // an unprefixed attribute is in no namespace, whatever the default namespace is
                String uri = name.indexOf(':') < 0 ? "" : namespaceOf(name);
                attributes.addAttribute(uri, localName(name), name, "CDATA", attribute.getValue());
            }
        }
        String uri = namespaceOf(element.name());
        handler.startElement(uri, localName(element.name()), element.name(), attributes);
        for (Node child : element.content()) {
            if (child instanceof Element e) {
                element(e);
            } else {
                char[] text = ((Text) child).value().toCharArray();
                handler.characters(text, 0, text.length);
            }
        }
        handler.endElement(uri, localName(element.name()), element.name());
        for (String prefix : declared.keySet()) {
            handler.endPrefixMapping(prefix);
        }
        scopes.pop();
    }

    private String namespaceOf(String qName) throws UnboundPrefix {
        int colon = qName.indexOf(':');
        String prefix = colon < 0 ? "" : qName.substring(0, colon);
        if (prefix.equals(XMLConstants.XML_NS_PREFIX)) {
            return XMLConstants.XML_NS_URI;
        }
        for (Map<String, String> scope : scopes) {
            String uri = scope.get(prefix);
            if (uri != null) {
                return uri;
            }
        }
        if (prefix.isEmpty()) {
            return "";
        }
        throw new UnboundPrefix(qName);
    }

    private static String localName(String qName) {
        return qName.substring(qName.indexOf(':') + 1);
    }
}
