package org.ccarm.protocol.xml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.tree.Element;
import org.ccarm.protocol.tree.Node;
import org.ccarm.protocol.tree.Text;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads an XML document into an element tree as written: qualified names, every
 * attribute in document order (namespace declarations included), text as it
 * stands. With {@link org.ccarm.protocol.json.JsonForm} it converts any document
 * the server reads or writes from XML to the JSON form. Hardened like every parser
 * of the program; not thread-safe (one per thread).
 */
public final class XmlTreeReader {

    private final XMLReader reader;

    public XmlTreeReader(HardenedXml xml) {
        this.reader = xml.newReader();
        try {
            // report xmlns attributes too, in place, so the tree keeps them
            reader.setFeature("http://xml.org/sax/features/namespace-prefixes", true);
        } catch (SAXException e) {
            throw new IllegalStateException("the JDK's parser cannot report namespace declarations", e);
        }
    }

    public Element read(byte[] xml) throws ProtocolException {
        Builder builder = new Builder();
        reader.setContentHandler(builder);
        reader.setErrorHandler(builder);
        try {
            reader.parse(new InputSource(new ByteArrayInputStream(xml)));
            return builder.root;
        } catch (HardenedXml.DoctypeForbidden e) {
            throw new ProtocolException(ErrorReason.DOCTYPE_FORBIDDEN, e.getMessage());
        } catch (SAXParseException e) {
            throw new ProtocolException(ErrorReason.MALFORMED_XML, XmlCommandReader.describe(e));
        } catch (SAXException | IOException e) {
            throw new ProtocolException(ErrorReason.MALFORMED_XML, "the body cannot be read as XML: " + e.getMessage());
        }
    }

    private static final class Builder extends DefaultHandler {
        private final Deque<Open> open = new ArrayDeque<>();
        private Element root;

        private record Open(String name, Map<String, String> attributes, List<Node> content, StringBuilder text) {}

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            flushText();
            Map<String, String> copied = new LinkedHashMap<>();
            for (int i = 0; i < attributes.getLength(); i++) {
                copied.put(attributes.getQName(i), attributes.getValue(i));
            }
            open.push(new Open(qName, copied, new ArrayList<>(), new StringBuilder()));
        }

        @Override
        public void characters(char[] ch, int start, int length) {
            open.peek().text().append(ch, start, length);
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            flushText();
            Open closed = open.pop();
            Element element = new Element(closed.name(), closed.attributes(), closed.content());
            if (open.isEmpty()) {
                root = element;
            } else {
                open.peek().content().add(element);
            }
        }

        /** Adjacent character events are one text node. */
        private void flushText() {
            Open current = open.peek();
            if (current != null && current.text().length() > 0) {
                current.content().add(new Text(current.text().toString()));
                current.text().setLength(0);
            }
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw e;
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw e;
        }
    }
}
