package org.ccarm.protocol.codec;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.Map;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.json.CanonicalJson;
import org.ccarm.protocol.json.JsonForm;
import org.ccarm.protocol.xml.CommandSchema;
import org.ccarm.protocol.xml.HardenedXml;
import org.ccarm.protocol.xml.XmlCommandReader;

/**
 * Reads a command's {@code in} document, in either wire format, into a
 * {@link CommandInput}. Both forms meet the command's schema: XML through the hardened
 * parser and the validator, the JSON form as an element tree replayed to the same
 * validator. A command that opts in to the canonical fast path has the plain shape of
 * each form recognised without either (see {@code CanonicalXml}, {@link CanonicalJson}).
 */
public final class RequestDecoder {

    private final Map<String, Reader> readers = new HashMap<>();
    private final JsonForm jsonForm = new JsonForm();

    private record Reader(XmlCommandReader xml, CanonicalJson canonicalJson) {}

    /**
     * A decoder of these commands, each with whether it opts in to the canonical fast
     * path. A command's schema is {@code xsd/<command>.xsd}, its binding generated from it.
     */
    public RequestDecoder(Map<String, Boolean> canonicalFastPathByCommand) {
        HardenedXml xml = new HardenedXml();
        canonicalFastPathByCommand.forEach((command, fastPath) -> {
            CommandSchema schema = CommandSchema.of(command);
            readers.put(command, new Reader(new XmlCommandReader(schema, xml, fastPath),
                    fastPath ? new CanonicalJson(schema.shape()) : null));
        });
    }

    /**
     * Reads and validates {@code body} as {@code command}'s {@code in} document.
     *
     * @param charset for XML, the charset the transport was told, or null to detect it
     *                from the bytes; JSON is always UTF-8
     */
    public CommandInput decode(String command, WireFormat format, byte[] body, Charset charset) throws ProtocolException {
        Reader reader = readers.get(command);
        if (reader == null) {
            throw new IllegalArgumentException("no reader for command " + command);
        }
        return switch (format) {
            case XML -> reader.xml().read(body, charset);
            case JSON -> {
                Map<String, String> plain = reader.canonicalJson() == null ? null : reader.canonicalJson().match(body);
                // the JSON form becomes the same element tree and meets the same schema and checks
                yield plain != null ? new CommandInput(command, plain) : reader.xml().read(jsonForm.read(body));
            }
        };
    }
}
