package org.ccarm.protocol;

/** The forms a document can take on the wire. */
public enum WireFormat {
    /** The vendor's XML {@code in}/{@code out} documents. */
    XML,
    /** The JSON form of the same documents (docs/protocol.md section 4). */
    JSON
}
