package org.ccarm.protocol.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.Charset;
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
import org.ccarm.store.InMemoryConversationStore;
import org.ccarm.testing.TestAuth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The canonical fast path must be invisible: for every document, reading it with the
 * shortcut gives exactly what the full parse-validate-bind path gives (the same
 * attributes, or the same refusal). Run for every command that opts in to the fast
 * path. Documents are generated around the canonical shape, with the command's own
 * attributes and every variation that matters to XML or to the schema, then mutated
 * byte by byte.
 */
class CanonicalXmlDifferentialTest {

    private static final HardenedXml XML = new HardenedXml();

    /** Every command the server declares with the canonical fast path. */
    static Stream<String> commandsWithTheFastPath() {
        CommandCatalog catalog = TestAuth.catalog(new InMemoryConversationStore());
        return catalog.canonicalFastPaths().entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey);
    }

    // Each category: the variations the canonical shape allows, then ones it must decline.
    private static final String[] SPACE = {"", "", "", " ", "\n", "\t", "\r\n", "  \n  "};
    private static final String[][] DECLARATION = {
            {"", "", "<?xml version=\"1.0\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                    "<?xml version='1.0' encoding='utf-8' ?>", "<?xml  version = \"1.0\"  encoding = \"UTF-8\"?>"},
            {"<?xml version=\"1.1\"?>", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
                    "<?xml version=\"1.0\" standalone=\"yes\"?>", " <?xml version=\"1.0\"?>",
                    "<?xml version=\"1.0\"encoding=\"UTF-8\"?>", "<?xml-stylesheet href=\"x\"?>", "\uFEFF", "<!-- c -->",
                    "<!DOCTYPE in>", "<?xml version=\"1.0\" encoding=\"UTF-16\"?>", "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>"}};
    private static final String[][] ROOT = {{"in"}, {"In", "x:in", "in xmlns=\"urn:x\"", "in a=\"1\"", "in xmlns:x=\"urn:x\""}};
    private static final String[][] REQUEST = {{"request"}, {"Request", "request a=\"1\"", "requests"}};
    private static final String[][] COMMAND = {{"CMD"}, {"call_other", "CMDx", "x:CMD", "CMD_", "in"}};
    private static final String[][] VALUE = {
            {"0647e098a4b48b05", "1002", "", " ", "a b", "a>b", "x'y", "x\"y", "]]>", "a/b", "~!@#$%^*()_+{}|:?[];,.", "=", "-"},
            {"a\tb", "a\nb", "a\rb", "a&amp;b", "a&b", "a<b", "caf\u00e9", "&#x41;", "\u0001", "\u007f", "\u00a0"}};
    private static final String[][] CLOSE = {{"/>", " />", "\n/>", "></CMD>", "></CMD >", "></CMD\n>"},
            {"> </CMD>", "></ CMD>", "></call_other>", "/ >", ">", "><!--x--></CMD>", "/>/>"}};
    private static final String[][] TAIL = {{"", " ", "\n", "\r\n\t"}, {"<!-- x -->", "x", "<in/>", "\u0000", "<?pi?>"}};
    private static final String[][] OTHER_ATTRIBUTE = {{}, {"colour", "xmlns:x", "x:id", "xmlns"}};

    @ParameterizedTest
    @MethodSource("commandsWithTheFastPath")
    void theShortcutNeverChangesAnAnswer(String command) throws Exception {
        CommandSchema schema = CommandSchema.of(command);
        XmlCommandReader reader = new XmlCommandReader(schema, XML, true);
        CanonicalXml canonical = new CanonicalXml(schema.shape());
        Random random = new Random(20261125);
        int shortcut = 0;
        int documents = 0;
        for (int n = 0; n < 12_000; n++) {
            String document = generate(random, schema.shape());
            for (byte[] body : List.of(document.getBytes(StandardCharsets.UTF_8), mutate(document, random))) {
                for (Charset charset : new Charset[] {null, StandardCharsets.UTF_8}) {
                    documents++;
                    Object fast = outcome(() -> reader.read(body, charset));
                    Object full = outcome(() -> reader.readFully(body, charset));
                    assertEquals(full, fast, () -> "differs for: " + new String(body, StandardCharsets.UTF_8));
                    if (canonical.match(body) != null) {
                        shortcut++;
                    }
                }
            }
        }
        // the generator is not vacuous: a good share takes the shortcut, and many do not
        assertTrue(shortcut > documents / 5 && shortcut < documents * 4 / 5, shortcut + " of " + documents);
    }

    @Test
    void theVendorsDocumentsTakeTheShortcut() {
        CanonicalXml canonical = new CanonicalXml(CommandSchema.of("call_unhold").shape());
        assertNotNull(canonical.match("<in><request><call_unhold conversation_id=\"0647e098a4b48b05\"/></request></in>".getBytes()));
        assertNotNull(canonical.match(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<in>\n  <request>\n"
                + "    <call_unhold conversation_id=\"0647e098a4b48b05\" operator_id=\"1002\"/>\n  </request>\n</in>\n").getBytes()));
        assertNull(canonical.match("<in><request><call_unhold conversation_id=\"x\"> </call_unhold></request></in>".getBytes()));
    }

    @Test
    void anAttributeWithoutItsValueIsNotMistakenForTheNextOne() {
        CanonicalXml canonical = new CanonicalXml(CommandSchema.of("call_unhold").shape());
        assertNull(canonical.match("<in><request><call_unhold conversation_id operator_id=\"1\"/></request></in>".getBytes()));
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

    /**
     * A clean document stays inside the canonical shape (it varies whitespace, quotes,
     * order, declaration and values); a wild one may take any variation. Mutating clean
     * documents byte by byte gives the near misses that matter most.
     */
    private static String generate(Random r, CommandShape shape) {
        boolean wild = r.nextInt(3) == 0;
        StringBuilder d = new StringBuilder();
        d.append(pick(r, DECLARATION, wild));
        if (!d.isEmpty() || r.nextBoolean()) {
            d.append(pick(r, SPACE));
        }
        String root = pick(r, ROOT, wild);
        String request = pick(r, REQUEST, wild);
        String command = pick(r, COMMAND, wild).replace("CMD", shape.command());
        d.append('<').append(root).append(pick(r, SPACE)).append('>').append(pick(r, SPACE));
        d.append('<').append(request).append(pick(r, SPACE)).append('>').append(pick(r, SPACE));
        d.append('<').append(command);
        List<String> attributes = new ArrayList<>();
        for (String name : shape.required()) {
            if (!wild || r.nextInt(10) > 0) {
                attributes.add(attribute(r, name, wild));
            }
        }
        for (String name : shape.optional()) {
            if (r.nextBoolean()) {
                attributes.add(attribute(r, name, wild));
            }
        }
        if (wild && r.nextInt(4) == 0) {
            String repeated = shape.attributes().isEmpty() ? "x" : shape.attributes().get(r.nextInt(shape.attributes().size()));
            attributes.add(attribute(r, r.nextBoolean() ? repeated : pick(r, OTHER_ATTRIBUTE, true), true));
        }
        Collections.shuffle(attributes, r);
        for (String attribute : attributes) {
            d.append(wild && r.nextInt(12) == 0 ? "" : " " + pick(r, SPACE)).append(attribute);
        }
        String close = pick(r, CLOSE, wild).replace("CMD", shape.command());
        d.append(close.startsWith("/") || !wild ? pick(r, SPACE).replace("\r\n", "") : pick(r, SPACE)).append(close).append(pick(r, SPACE));
        d.append("</").append(request.split(" ")[0]).append(pick(r, SPACE)).append('>').append(pick(r, SPACE));
        d.append("</").append(root.split(" ")[0]).append(pick(r, SPACE)).append('>');
        d.append(pick(r, SPACE)).append(pick(r, TAIL, wild));
        return d.toString();
    }

    private static String attribute(Random r, String name, boolean wild) {
        char quote = r.nextInt(4) == 0 ? '\'' : '"';
        String value = r.nextInt(4) == 0 ? randomAscii(r) : pick(r, VALUE, wild);
        if (!wild) {
            value = value.replace(String.valueOf(quote), ""); // the quote in use cannot appear inside
        }
        String eq = r.nextInt(6) == 0 ? pick(r, SPACE) + "=" + pick(r, SPACE) : "=";
        return name + eq + quote + value + quote;
    }

    /** From the allowed variations, or (when wild) from any. */
    private static String pick(Random r, String[][] options, boolean wild) {
        if (wild && options[1].length > 0 && r.nextBoolean()) {
            return pick(r, options[1]);
        }
        return options[0].length > 0 ? pick(r, options[0]) : pick(r, options[1]);
    }

    private static String randomAscii(Random r) {
        StringBuilder value = new StringBuilder();
        for (int i = r.nextInt(20); i > 0; i--) {
            char c = (char) (0x20 + r.nextInt(0x5f));
            value.append(c == '<' || c == '&' ? '.' : c); // markup comes only with the wild values
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
        byte noise = (byte) "<>/=\"' \n&;?!-x:0\u00ff".charAt(r.nextInt(17));
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

    private static String pick(Random r, String[] options) {
        return options[r.nextInt(options.length)];
    }
}
