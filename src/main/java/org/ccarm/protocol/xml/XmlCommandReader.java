package org.ccarm.protocol.xml;

import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UnsupportedEncodingException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import javax.xml.validation.ValidatorHandler;
import java.util.Map;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.tree.Element;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Reads one command's {@code in} document: parse (hardened), validate against the
 * command's schema, bind with JAXB. Thread-safe: each thread gets its own parser,
 * validator and unmarshaller, built once and reused, since building them is what costs.
 *
 * <p>With the canonical fast path on, a document of the plain shape nearly every client
 * sends is recognised without a parser ({@link CanonicalXml}); anything else goes the
 * full way.
 */
public final class XmlCommandReader {

    private final CommandSchema schema;
    private final HardenedXml xml;
    private final CanonicalXml canonical; // null: every document goes the full way
    private final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);

    public XmlCommandReader(CommandSchema schema, HardenedXml xml, boolean canonicalFastPath) {
        if (canonicalFastPath && !schema.fitsCanonicalShape()) {
            throw new IllegalArgumentException("command " + schema.command()
                    + " has content or non-string attributes: a document of the canonical shape would not be valid by construction");
        }
        this.schema = schema;
        this.xml = xml;
        this.canonical = canonicalFastPath ? new CanonicalXml(schema.shape()) : null;
    }

    /**
     * Reads {@code body}. With a {@code charset} (from the Content-Type) the bytes are
     * decoded with it, strictly, and the XML declaration's encoding is ignored, as
     * RFC 7303 says; without one the parser detects the encoding from the bytes.
     */
    public CommandInput read(byte[] body, Charset charset) throws ProtocolException {
        if (canonical != null && asciiCompatible(charset)) {
            Map<String, String> plain = canonical.match(body);
            if (plain != null) {
                return new CommandInput(schema.command(), plain); // valid by construction: see CanonicalXml
            }
        }
        return readFully(body, charset);
    }

    /** The full way, for any document: parse, validate, bind. */
    CommandInput readFully(byte[] body, Charset charset) throws ProtocolException {
        if (body.length == 0) {
            throw new ProtocolException(ErrorReason.EMPTY_BODY, "the request body is empty: expected an <in> document");
        }
        InputSource source = charset == null
                ? new InputSource(new ByteArrayInputStream(body))
                : new InputSource(new StringReader(decodeStrictly(body, charset)));
        return bound(workers.get().parse(source));
    }

    /**
     * Reads a document given as an element tree (the JSON form): the tree is played to
     * the same validator and binder as an XML document, so both forms meet the same
     * schema and the same checks.
     */
    public CommandInput read(Element document) throws ProtocolException {
        return bound(workers.get().bind(document));
    }

    /** The command element's attributes of a validated, unmarshalled root. */
    private CommandInput bound(Object root) throws ProtocolException {
        Map<String, String> attributes = schema.attributesOf(root);
        if (attributes == null) {
            throw new ProtocolException(ErrorReason.INVALID_DOCUMENT,
                    "the root element must be <in> holding <request><" + schema.command() + " .../></request>");
        }
        return new CommandInput(schema.command(), attributes);
    }

    /** The canonical form is ASCII: it reads the same under any charset that agrees with ASCII. */
    private static boolean asciiCompatible(Charset charset) {
        return charset == null || charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.US_ASCII)
                || charset.equals(StandardCharsets.ISO_8859_1);
    }

    private static String decodeStrictly(byte[] body, Charset charset) throws ProtocolException {
        try {
            String text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text; // a BOM is not content
        } catch (CharacterCodingException e) {
            throw new ProtocolException(ErrorReason.MALFORMED_XML,
                    "the body is not valid " + charset.name() + " as its Content-Type says");
        }
    }

    /** One thread's parse-validate-bind pipeline. */
    private final class Worker {
        private final XMLReader reader = xml.newReader();
        private final ValidatorHandler validator = HardenedXml.newValidator(schema.schema());
        private final Unmarshaller unmarshaller;

        Worker() {
            try {
                unmarshaller = schema.context().createUnmarshaller();
            } catch (JAXBException e) {
                throw new IllegalStateException("cannot bind " + schema.command(), e);
            }
            reader.setContentHandler(validator);
            reader.setErrorHandler(new Failing(ErrorReason.MALFORMED_XML));
            validator.setErrorHandler(new Failing(ErrorReason.INVALID_DOCUMENT));
        }

        Object parse(InputSource source) throws ProtocolException {
            return run(() -> reader.parse(source));
        }

        Object bind(Element document) throws ProtocolException {
            return run(() -> TreeReplay.replay(document, validator));
        }

        private Object run(Source events) throws ProtocolException {
            UnmarshallerHandler binder = unmarshaller.getUnmarshallerHandler();
            validator.setContentHandler(binder);
            try {
                events.play();
                return binder.getResult();
            } catch (TreeReplay.UnboundPrefix e) {
                throw new ProtocolException(ErrorReason.MALFORMED_JSON, e.getMessage());
            } catch (Failure e) {
                throw new ProtocolException(e.reason, e.getMessage());
            } catch (HardenedXml.DoctypeForbidden e) {
                throw new ProtocolException(ErrorReason.DOCTYPE_FORBIDDEN, e.getMessage());
            } catch (SAXParseException e) {
                throw new ProtocolException(ErrorReason.MALFORMED_XML, describe(e));
            } catch (SAXException | JAXBException e) {
                throw new ProtocolException(ErrorReason.INVALID_DOCUMENT, "the document cannot be bound: " + e.getMessage());
            } catch (UnsupportedEncodingException e) {
                throw new ProtocolException(ErrorReason.MALFORMED_XML,
                        "the encoding the XML declaration names is not supported: " + e.getMessage());
            } catch (IOException e) {
                // Xerces reports bytes that contradict the document's encoding as an IOException.
                throw new ProtocolException(ErrorReason.MALFORMED_XML,
                        "the bytes do not match the document's encoding: " + e.getMessage());
            } catch (RuntimeException e) {
                workers.remove(); // a pipeline in an unknown state is not reused
                throw e;
            }
        }
    }

    /** Where a document's events come from: the parser, or a tree replayed. */
    private interface Source {
        void play() throws IOException, SAXException;
    }

    /**
     * Turns parser and validator errors into a {@link Failure} that remembers which
     * stage failed. It is a plain SAXException, not a SAXParseException, because the
     * JDK's validator rewraps the latter and the reason would be lost.
     */
    private static final class Failing implements ErrorHandler {
        private final ErrorReason reason;

        Failing(ErrorReason reason) {
            this.reason = reason;
        }

        @Override
        public void warning(SAXParseException e) {
            // warnings do not make a document unreadable
        }

        @Override
        public void error(SAXParseException e) throws SAXException {
            throw new Failure(reason, describe(e));
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXException {
            throw new Failure(reason, describe(e));
        }
    }

    private static final class Failure extends SAXException {
        private static final long serialVersionUID = 1L;
        private final transient ErrorReason reason;

        Failure(ErrorReason reason, String message) {
            super(message);
            this.reason = reason;
        }
    }

    static String describe(SAXParseException e) {
        return e.getLineNumber() > 0
                ? "line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage()
                : String.valueOf(e.getMessage());
    }
}
