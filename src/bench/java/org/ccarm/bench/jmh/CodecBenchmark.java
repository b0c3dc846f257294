package org.ccarm.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.ccarm.protocol.Answer;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.ErrorReason;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.WireFormat;
import org.ccarm.protocol.codec.AnswerEncoder;
import org.ccarm.protocol.codec.RequestDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The codec path: read and validate an {@code in} document, write an {@code out} document. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

    private final RequestDecoder decoder = new RequestDecoder(Map.of("call_unhold", true));
    /** The same command without the canonical fast paths: the cost of the full path. */
    private final RequestDecoder fullPath = new RequestDecoder(Map.of("call_unhold", false));
    private final AnswerEncoder encoder = new AnswerEncoder();

    private final byte[] vendorXml = "<in><request><call_unhold conversation_id=\"0647e098a4b48b05\"/></request></in>"
            .getBytes(StandardCharsets.UTF_8);
    private final byte[] prettyXml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<in>\n  <request>\n"
            + "    <call_unhold conversation_id=\"0647e098a4b48b05\" operator_id=\"1002\"/>\n  </request>\n</in>\n")
            .getBytes(StandardCharsets.UTF_8);
    private final byte[] vendorJson = ("[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":"
            + "\"call_unhold\",\"_attributes\":{\"conversation_id\":\"0647e098a4b48b05\"}}]}]}]").getBytes(StandardCharsets.UTF_8);
    /** The vendor's documentation example's body, pretty-printed as on its page. */
    private final byte[] prettyJson = ("[\n  {\n    \"_name\": \"in\",\n    \"_content\": [\n      {\n        \"_name\": \"request\",\n"
            + "        \"_content\": [\n          {\n            \"_name\": \"call_unhold\",\n            \"_attributes\": {\n"
            + "              \"conversation_id\": \"0647e098a4b48b05\"\n            }\n          }\n        ]\n      }\n    ]\n  }\n]")
            .getBytes(StandardCharsets.UTF_8);
    private final Answer refusal = Answer.error("call_unhold", true, ErrorReason.CANNOT_PERFORM_CMD,
            "conversation 0647e098a4b48b05 is not on hold");

    @Benchmark
    public CommandInput readVendorXml() throws ProtocolException {
        return decoder.decode("call_unhold", WireFormat.XML, vendorXml, null);
    }

    @Benchmark
    public CommandInput readPrettyXmlWithDeclaration() throws ProtocolException {
        return decoder.decode("call_unhold", WireFormat.XML, prettyXml, null);
    }

    @Benchmark
    public CommandInput readVendorXmlFullPath() throws ProtocolException {
        return fullPath.decode("call_unhold", WireFormat.XML, vendorXml, null);
    }

    @Benchmark
    public CommandInput readVendorJson() throws ProtocolException {
        return decoder.decode("call_unhold", WireFormat.JSON, vendorJson, null);
    }

    @Benchmark
    public CommandInput readPrettyJson() throws ProtocolException {
        return decoder.decode("call_unhold", WireFormat.JSON, prettyJson, null);
    }

    @Benchmark
    public CommandInput readVendorJsonFullPath() throws ProtocolException {
        return fullPath.decode("call_unhold", WireFormat.JSON, vendorJson, null);
    }

    @Benchmark
    public byte[] writeOkXml() {
        return encoder.encode(Answer.ok("call_unhold"), WireFormat.XML);
    }

    @Benchmark
    public byte[] writeErrorXml() {
        return encoder.encode(refusal, WireFormat.XML);
    }

    @Benchmark
    public byte[] writeErrorJson() {
        return encoder.encode(refusal, WireFormat.JSON);
    }
}
