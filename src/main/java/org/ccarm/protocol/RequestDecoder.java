package org.ccarm.protocol;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.protocol.json.JsonForm;
import org.ccarm.protocol.xml.CommandBinding;
import org.ccarm.protocol.xml.HardenedXml;
import org.ccarm.protocol.xml.XmlCommandReader;

/** Reads a command's {@code in} document, in any wire format, into its arguments. */
public final class RequestDecoder {

    private final Map<String, XmlCommandReader> readers = new HashMap<>();
    private final JsonForm jsonForm = new JsonForm();

    public RequestDecoder(List<CommandBinding> bindings) {
        HardenedXml xml = new HardenedXml();
        for (CommandBinding binding : bindings) {
            readers.put(binding.command(), new XmlCommandReader(binding, xml));
        }
    }

    /** The decoder for every command this server implements. */
    public static RequestDecoder standard() {
        return new RequestDecoder(List.of(CommandBinding.callUnhold(), CommandBinding.callHold()));
    }

    public boolean supports(String command) {
        return readers.containsKey(command);
    }

    /**
     * Reads and validates {@code body} as {@code command}'s {@code in} document.
     *
     * @param charset for XML, the charset the transport was told, or null to detect it
     *                from the bytes; JSON is always UTF-8
     */
    public CommandBinding.Arguments decode(String command, WireFormat format, byte[] body, Charset charset)
            throws ProtocolException {
        XmlCommandReader reader = readers.get(command);
        if (reader == null) {
            throw new IllegalArgumentException("no binding for command " + command);
        }
        return switch (format) {
            case XML -> reader.read(body, charset);
            // the JSON form becomes the same element tree and meets the same schema and checks
            case JSON -> reader.read(jsonForm.read(body));
        };
    }
}
