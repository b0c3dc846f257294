package org.ccarm.protocol;

import java.nio.charset.Charset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ccarm.protocol.xml.CommandBinding;
import org.ccarm.protocol.xml.HardenedXml;
import org.ccarm.protocol.xml.XmlCommandReader;

/** Reads a command's {@code in} document, in any wire format, into its arguments. */
public final class RequestDecoder {

    private final Map<String, XmlCommandReader> readers = new HashMap<>();

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
     * @param charset the charset the transport was told, or null to detect it from the bytes
     */
    public CommandBinding.Arguments decode(String command, WireFormat format, byte[] body, Charset charset)
            throws ProtocolException {
        XmlCommandReader reader = readers.get(command);
        if (reader == null) {
            throw new IllegalArgumentException("no binding for command " + command);
        }
        if (format != WireFormat.XML) {
            throw new ProtocolException(ErrorReason.UNSUPPORTED_MEDIA_TYPE, "only XML is supported");
        }
        return reader.read(body, charset);
    }
}
