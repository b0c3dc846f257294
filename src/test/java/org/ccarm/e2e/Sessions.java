package org.ccarm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.restassured.path.xml.XmlPath;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/** Documents and helpers of the session commands, for the end-to-end tests. */
final class Sessions {

    static final String LOGOUT_XML = "<in><request><logout/></request></in>";

    private Sessions() {}

    static String loginXml(String operator, String password) {
        return "<in><request><login operator_id=\"" + operator + "\" password=\"" + password + "\"/></request></in>";
    }

    /** The JSON form of {@code <in><request><command .../></request></in>}. */
    static String json(String command, Map<String, String> attributes) {
        String attrs = attributes.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
                .collect(Collectors.joining(","));
        return "[{\"_name\":\"in\",\"_content\":[{\"_name\":\"request\",\"_content\":[{\"_name\":\"" + command + "\""
                + (attrs.isEmpty() ? "" : ",\"_attributes\":{" + attrs + "}") + "}]}]}]";
    }

    /** Logs in over HTTP XML; the token of the new session. */
    static String login(RunningServer server, String domain, String operator, String password) {
        Response response = server.post(domain, "login", loginXml(operator, password));
        assertEquals(200, response.statusCode(), response.asString());
        return new XmlPath(response.asString()).getString("out.response.ok.session.@token");
    }

    /** A request frame written exactly: padded 32-wide name, compact body, true length. */
    static String frame(String id, String command, String body) {
        return WebSocketEndToEndTest.frame(id, command, body);
    }

    /** The status of an answer frame ("01" + 10-digit length + 4-char id + 3-digit status + body). */
    static int status(String answerFrame) {
        return Integer.parseInt(answerFrame.substring(16, 19));
    }

    static String bodyOf(String answerFrame) {
        return answerFrame.substring(19);
    }

    static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
