package org.ccarm.protocol.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.ccarm.command.CommandCatalog;
import org.ccarm.protocol.CommandInput;
import org.ccarm.protocol.CommandShape;
import org.ccarm.protocol.ProtocolException;
import org.ccarm.protocol.xml.CommandSchema;
import org.ccarm.protocol.xml.HardenedXml;
import org.ccarm.protocol.xml.XmlCommandReader;
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON form's canonical fast path must be invisible: for every body, the shortcut
 * gives exactly what the full path gives (Jackson, the element tree, the schema, JAXB):
 * the same attributes or the same refusal. Run for every command that opts in.
 * Documents are generated around the canonical shape (whitespace, attribute order,
 * values) and beyond it (key order, escapes, numbers, extra keys and elements, BOMs,
 * trailing data), then mutated byte by byte.
 */
class CanonicalJsonDifferentialTest {

    private static final HardenedXml XML = new HardenedXml();
    private static final JsonForm FORM = new JsonForm();

    static Stream<String> commandsWithTheFastPath() {
        CommandCatalog catalog = TestAuth.catalog(new InMemoryConversationStore());
        return catalog.canonicalFastPaths().entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey);
    }

    private static final String[] SPACE = {"", "", "", " ", "\n", "\t", "\r\n", "\n    "};
    private static final String[][] NAME = {{"NAME"}, {"NAMEx", "x:NAME", "Name", "NAME ", ""}};
    private static final String[][] VALUE = {
            {"0647e098a4b48b05", "1002", "", " ", "a b", "a<b", "a&b", "x'y", "]]>", "a/b", "~!@#$%^*()_+{}|:?[];,.", "="},
            {"a\\\"b", "\\u0041", "a\\nb", "a\\\\b", "caf\u00e9", "\u0001", "a\tb", "\\ud800", "\u2028"}};
    private static final String[] NOT_A_STRING = {"42", "null", "true", "[\"x\"]", "{}", "-1.5e3"};
    private static final String[][] WRAP = {{"[%s]"}, {"%s", "[%s,%s]", "[%s],", "[%s]x", "\uFEFF[%s]", "[[%s]]", "[%s]]", "[%s"}};

    @ParameterizedTest
    @MethodSource("commandsWithTheFastPath")
    void theShortcutNeverChangesAnAnswer(String command) {
        CommandSchema schema = CommandSchema.of(command);
        XmlCommandReader reader = new XmlCommandReader(schema, XML, true);
        CanonicalJson canonical = new CanonicalJson(schema.shape());
        Random random = new Random(20261125);
        int shortcut = 0;
        int documents = 0;
        for (int n = 0; n < 12_000; n++) {
            String document = generate(random, schema.shape());
            for (byte[] body : List.of(document.getBytes(StandardCharsets.UTF_8), mutate(document, random))) {
                documents++;
                Map<String, String> plain = canonical.match(body);
                Object full = outcome(() -> reader.read(FORM.read(body)));
                if (plain != null) {
                    shortcut++;
                    assertEquals(full, new CommandInput(command, plain),
                            () -> "differs for: " + new String(body, StandardCharsets.UTF_8));
                }
            }
        }
        // the generator is not vacuous: a good share takes the shortcut, and many do not
        assertTrue(shortcut > documents / 5 && shortcut < documents * 4 / 5, shortcut + " of " + documents);
    }

    @Test
    void theVendorsDocumentsTakeTheShortcut() {
        CanonicalJson canonical = new CanonicalJson(CommandSchema.of("call_unhold").shape());
        assertNotNull(canonical.match(("[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":"
                + "\"call_unhold\",\"_attributes\":{\"conversation_id\":\"0647e098a4b48b05\"}}]}]}]").getBytes()));
        // pretty-printed, as on the vendor's documentation page
        assertNotNull(canonical.match(("[\n  {\n    \"_name\": \"in\",\n    \"_content\": [\n      {\n        \"_name\": \"request\",\n"
                + "        \"_content\": [\n          {\n            \"_name\": \"call_unhold\",\n            \"_attributes\": {\n"
                + "              \"conversation_id\": \"0647e098a4b48b05\"\n            }\n          }\n        ]\n      }\n    ]\n  }\n]")
                .getBytes()));
        assertNull(canonical.match(("[{\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"call_unhold\","
                + "\"_attributes\":{\"conversation_id\":\"c\"}}]}],\"_name\":\"in\"}]").getBytes()));
    }

    private interface Read {
        CommandInput run() throws ProtocolException;
    }

    /** The attributes read (compared as a map, in any order), or the reason of the refusal. */
    private static Object outcome(Read read) {
        try {
            return read.run();
        } catch (ProtocolException e) {
            return e.reason();
        }
    }

    private static String generate(Random r, CommandShape shape) {
        boolean wild = r.nextInt(3) == 0;
        List<String> attributes = new ArrayList<>();
        for (String name : shape.required()) {
            if (!wild || r.nextInt(10) > 0) {
                attributes.add(member(r, name, value(r, wild)));
            }
        }
        for (String name : shape.optional()) {
            if (r.nextBoolean()) {
                attributes.add(member(r, name, value(r, wild)));
            }
        }
        if (wild && r.nextInt(4) == 0) {
            String name = r.nextBoolean() && !shape.attributes().isEmpty()
                    ? shape.attributes().get(r.nextInt(shape.attributes().size())) : "colour";
            attributes.add(member(r, name, value(r, true)));
        }
        Collections.shuffle(attributes, r);
        List<String> members = new ArrayList<>();
        members.add(member(r, "_name", quote(pick(r, NAME, wild).replace("NAME", shape.command()))));
        if (!attributes.isEmpty() || (wild && r.nextBoolean())) {
            members.add(member(r, "_attributes", "{" + String.join("," + sp(r), attributes) + sp(r) + "}"));
        }
        if (wild && r.nextInt(5) == 0) {
            members.add(member(r, "_content", r.nextBoolean() ? "[]" : "[\"text\"]"));
        }
        String commandElement = object(r, members, wild);
        String request = object(r, List.of(member(r, "_name", quote(pick(r, NAME, wild && r.nextInt(4) == 0).replace("NAME", "request"))),
                member(r, "_content", "[" + sp(r) + commandElement + sp(r) + "]")), wild);
        String in = object(r, List.of(member(r, "_name", quote(pick(r, NAME, wild && r.nextInt(4) == 0).replace("NAME", "in"))),
                member(r, "_content", "[" + sp(r) + request + sp(r) + "]")), wild);
        return sp(r) + pick(r, WRAP, wild && r.nextInt(3) == 0).replace("%s", in) + sp(r);
    }

    /** An object of these members; when wild, in any order and perhaps with an unknown key. */
    private static String object(Random r, List<String> members, boolean wild) {
        List<String> all = new ArrayList<>(members);
        if (wild && r.nextInt(6) == 0) {
            all.add(member(r, r.nextBoolean() ? "_attributes" : "_other", "{\"a\":\"1\"}"));
        }
        if (wild && r.nextInt(3) == 0) {
            Collections.shuffle(all, r);
        }
        return "{" + sp(r) + String.join("," + sp(r), all) + sp(r) + "}";
    }

    private static String member(Random r, String key, String value) {
        return quote(key) + sp(r) + ":" + sp(r) + value;
    }

    private static String value(Random r, boolean wild) {
        if (wild && r.nextInt(8) == 0) {
            return NOT_A_STRING[r.nextInt(NOT_A_STRING.length)];
        }
        return "\"" + (r.nextInt(4) == 0 ? randomAscii(r) : pick(r, VALUE, wild)) + "\"";
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    private static String sp(Random r) {
        return SPACE[r.nextInt(SPACE.length)];
    }

    private static String pick(Random r, String[][] options, boolean wild) {
        return wild && r.nextBoolean() ? options[1][r.nextInt(options[1].length)] : options[0][r.nextInt(options[0].length)];
    }

    private static String randomAscii(Random r) {
        StringBuilder value = new StringBuilder();
        for (int i = r.nextInt(20); i > 0; i--) {
            char c = (char) (0x20 + r.nextInt(0x5f));
            value.append(c == '"' || c == '\\' ? '.' : c); // quotes and escapes come only with the wild values
        }
        return value.toString();
    }

    /** One byte deleted, inserted or replaced, anywhere. */
    private static byte[] mutate(String document, Random r) {
        byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            return bytes;
        }
        int at = r.nextInt(bytes.length);
        String noises = "[]{}:,\"\\ \n0a_\u00ff";
        byte noise = (byte) noises.charAt(r.nextInt(noises.length()));
        return switch (r.nextInt(3)) {
            case 0 -> concat(bytes, at, at + 1, new byte[0]);
            case 1 -> concat(bytes, at, at, new byte[] {noise});
            default -> concat(bytes, at, at + 1, new byte[] {noise});
        };
    }

    private static byte[] concat(byte[] bytes, int cutFrom, int cutTo, byte[] insert) {
        byte[] out = new byte[bytes.length - (cutTo - cutFrom) + insert.length];
        System.arraycopy(bytes, 0, out, 0, cutFrom);
        System.arraycopy(insert, 0, out, cutFrom, insert.length);
        System.arraycopy(bytes, cutTo, out, cutFrom + insert.length, bytes.length - cutTo);
        return out;
    }
}
