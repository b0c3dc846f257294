package org.ccarm.protocol.frame;

/** A request frame as read: the client's id (four digits), the command name, and the body text. */
public record RequestFrame(String id, String command, String body) {}
