/**
 * A minimal, generic XML element tree (names as written, attributes in order, child
 * nodes): the common ground of the XML and JSON forms of a document. Plain Java: no
 * parser or serializer lives here.
 */
package org.ccarm.protocol.tree;
