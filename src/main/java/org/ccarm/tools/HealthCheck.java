package org.ccarm.tools;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Exits 0 when a health endpoint answers 200, else 1: the Docker image's HEALTHCHECK
 * (the JRE image has no curl).
 *
 * <pre>java -cp cc-arm-server.jar org.ccarm.tools.HealthCheck http://127.0.0.1:9464/health/live</pre>
 */
public final class HealthCheck {

    private HealthCheck() {}

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : "http://127.0.0.1:9464/health/live";
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            System.out.println(response.statusCode() + " " + response.body());
            System.exit(response.statusCode() == 200 ? 0 : 1);
        } catch (Exception e) {
            System.out.println("no answer from " + url + ": " + e);
            System.exit(1);
        }
    }
}
