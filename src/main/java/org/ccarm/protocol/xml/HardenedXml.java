package org.ccarm.protocol.xml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.ValidatorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.ext.DefaultHandler2;

/**
 * The one XML parser setup of the program. Built once; the readers and validators
 * it hands out are not thread-safe and belong to one thread each.
 *
 * <p>Hardening, in depth: the JDK's own parser (never whatever else is on the class
 * path), secure processing on, external entities and external DTDs off, no protocol
 * allowed for external DTDs or schemas, and any DOCTYPE refused the moment it starts,
 * before its internal subset is read, so no entity is ever declared, let alone
 * expanded or fetched.
 */
public final class HardenedXml {

    private static final String LEXICAL_HANDLER = "http://xml.org/sax/properties/lexical-handler";

    private final SAXParserFactory parsers;

    public HardenedXml() {
        try {
            parsers = SAXParserFactory.newDefaultInstance();
            parsers.setNamespaceAware(true);
            parsers.setValidating(false);
            parsers.setXIncludeAware(false);
            parsers.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            parsers.setFeature("http://xml.org/sax/features/external-general-entities", false);
            parsers.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            parsers.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a required security feature", e);
        }
    }

    /** A new namespace-aware reader that refuses any DOCTYPE with {@link DoctypeForbidden}. */
    public XMLReader newReader() {
        try {
            XMLReader reader = parsers.newSAXParser().getXMLReader();
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            reader.setProperty(LEXICAL_HANDLER, DOCTYPE_REFUSER);
            return reader;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot configure the JDK's XML parser", e);
        }
    }

    /**
     * Loads a schema from the class path. Its {@code xs:include}s are resolved next to
     * it, from the class path only ("jar" and "file" are the protocols a class-path
     * resource has), which secure processing would otherwise forbid.
     */
    public static Schema loadSchema(String classpathResource) {
        URL url = HardenedXml.class.getClassLoader().getResource(classpathResource);
        if (url == null) {
            throw new IllegalStateException("schema " + classpathResource + " is not on the class path");
        }
        try (InputStream in = url.openStream()) {
            SchemaFactory factory = SchemaFactory.newDefaultInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar,file");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            return factory.newSchema(new StreamSource(in, url.toExternalForm()));
        } catch (SAXException e) {
            throw new IllegalStateException("schema " + classpathResource + " is invalid: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A validator for one thread. A document's {@code xsi:schemaLocation} hints are
     * never followed: the schema is fixed, and no protocol is allowed to fetch one.
     */
    public static ValidatorHandler newValidator(Schema schema) {
        ValidatorHandler validator = schema.newValidatorHandler();
        try {
            validator.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        } catch (SAXException e) {
            throw new IllegalStateException("the JDK's schema validator lacks a required security feature", e);
        }
        return validator;
    }

    /** Thrown the moment a document starts a DOCTYPE. */
    public static final class DoctypeForbidden extends SAXException {
        private static final long serialVersionUID = 1L;

        DoctypeForbidden(String name) {
            super("a DOCTYPE (here <!DOCTYPE " + name + " ...>) is not allowed in a request");
        }
    }

    private static final DefaultHandler2 DOCTYPE_REFUSER = new DefaultHandler2() {
        @Override
        public void startDTD(String name, String publicId, String systemId) throws SAXException {
            throw new DoctypeForbidden(name);
        }
    };
}
