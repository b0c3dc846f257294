/**
 * The websocket frame of the protocol (docs/protocol.md section 5): a fixed header
 * (version, length, request id, command or status) and a JSON-form body. Read
 * leniently, the way real clients write it; written exactly.
 */
package org.ccarm.protocol.frame;
