package org.ccarm.protocol.codec;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.OutDocuments;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.json.JsonForm;
import org.ccarm.protocol.xml.XmlWriter;

/**
 * Writes answers in a wire format. The {@code ok} answer of each command is the same
 * bytes every time, so it is written once and reused.
 */
public final class AnswerEncoder {

    private final JsonForm jsonForm = new JsonForm();
    private final Map<WireFormat, Map<String, byte[]>> okAnswers = new EnumMap<>(WireFormat.class);

    public AnswerEncoder() {
        for (WireFormat format : WireFormat.values()) {
            okAnswers.put(format, new ConcurrentHashMap<>());
        }
    }

    /** The bytes of {@code answer}; shared between calls, so callers must not change them. */
    public byte[] encode(Answer answer, WireFormat format) {
        if (answer.isOk() && answer.okContent() == null) {
            return okAnswers.get(format).computeIfAbsent(answer.cmd(), cmd -> write(answer, format));
        }
        return write(answer, format);
    }

    private byte[] write(Answer answer, WireFormat format) {
        return switch (format) {
            case XML -> XmlWriter.toBytes(OutDocuments.toElement(answer));
            case JSON -> jsonForm.write(OutDocuments.toElement(answer));
        };
    }

    /** The media type of an answer in {@code format}. */
    public static String contentType(WireFormat format) {
        return switch (format) {
            case XML -> "application/xml;charset=utf-8";
            case JSON -> "application/json";
        };
    }
}
