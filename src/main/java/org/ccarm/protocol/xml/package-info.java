/**
 * The XML form of the protocol: one hardened parser setup for the whole program
 * (no DTDs, no external entities, secure processing, schema validation against the
 * schemas in {@code xsd/}), the JAXB bindings generated from those schemas at build
 * time, and the writer of {@code out} documents.
 */
package org.ccarm.protocol.xml;
