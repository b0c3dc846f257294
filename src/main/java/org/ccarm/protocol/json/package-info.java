/**
 * The JSON form of the protocol's documents (docs/protocol.md section 4): one generic,
 * lossless mapping between an element tree and JSON, built on Jackson. A document is
 * a JSON array holding its root; an element is {@code _name}, {@code _attributes}
 * (in order) and {@code _content} (child elements and text strings, in order).
 */
package org.ccarm.protocol.json;
