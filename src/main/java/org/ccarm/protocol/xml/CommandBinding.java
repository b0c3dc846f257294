package org.ccarm.protocol.xml;

import java.util.Optional;
import java.util.function.Function;

/**
 * How one command's {@code in} document is bound: its schema, the package xjc
 * generated from it, and how to read the command's arguments out of the unmarshalled
 * root. A root of another type (such as the schema's own {@code out}) yields null.
 */
public record CommandBinding(String command, String schemaResource, Class<?> objectFactory,
                             Function<Object, Arguments> arguments) {

    /** The arguments of the {@code in} document, exactly as the document gave them. */
    public record Arguments(String conversationId, Optional<String> operatorId) {}

    public static CommandBinding callUnhold() {
        return new CommandBinding("call_unhold", "xsd/call_unhold.xsd",
                org.ccarm.protocol.xml.bind.unhold.ObjectFactory.class,
                root -> root instanceof org.ccarm.protocol.xml.bind.unhold.In in
                        ? new Arguments(in.getRequest().getCallUnhold().getConversationId(),
                                Optional.ofNullable(in.getRequest().getCallUnhold().getOperatorId()))
                        : null);
    }

    public static CommandBinding callHold() {
        return new CommandBinding("call_hold", "xsd/call_hold.xsd",
                org.ccarm.protocol.xml.bind.hold.ObjectFactory.class,
                root -> root instanceof org.ccarm.protocol.xml.bind.hold.In in
                        ? new Arguments(in.getRequest().getCallHold().getConversationId(),
                                Optional.ofNullable(in.getRequest().getCallHold().getOperatorId()))
                        : null);
    }
}
