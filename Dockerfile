# cc-arm-server: build with Maven on a JDK 17, run on a JRE 17 as a non-root user.
#   docker build -t cc-arm-server .
#   docker run --rm -p 8080:8080 -e CCARM_ADMIN_TOKEN="$(openssl rand -hex 24)" -e CCARM_DOMAINS=acme cc-arm-server
#   docker run --rm -p 8080:8080 -v "$PWD/my-config:/app/config:ro" cc-arm-server
# The image has no demo: no operator exists until one is added (the log says how).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY xsd xsd
COPY config config
COPY src src
RUN mvn -B -q package -Dmaven.test.skip=true

FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK, rather than a JVM started every 10 s
RUN command -v curl >/dev/null || (apt-get update && apt-get install -y --no-install-recommends curl \
      && rm -rf /var/lib/apt/lists/*) \
 && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin ccarm \
 && mkdir -p /app/logs && chown ccarm /app/logs
WORKDIR /app
COPY --from=build /src/target/cc-arm-server.jar /app/cc-arm-server.jar
# The configuration is a directory to mount over. The image's own is config/image.properties:
# the jar's defaults without the demo's operators (published passwords) and conversations,
# on every interface.
COPY config/logback.xml /app/config/logback.xml
COPY config/image.properties /app/config/server.properties
USER ccarm
# Inside a container the listener must not stay on loopback (also for a mounted copy of server.properties).
ENV CCARM_HTTP_HOST=0.0.0.0
# The README's recommended JVM flags ("Running it for real"); override to resize the heap.
ENV JAVA_OPTS="-XX:+UseG1GC -Xms2g -Xmx2g -XX:+AlwaysPreTouch -XX:+ExitOnOutOfMemoryError"
# 8080: the API and websocket; 9464: health and metrics (listen on 0.0.0.0 with
# CCARM_OPS_HOST=0.0.0.0 for a Prometheus outside the container to scrape it).
EXPOSE 8080 9464
VOLUME ["/app/logs"]
# Liveness, not readiness: a store blip must take the instance out of a load balancer's
# rotation (readiness), not get the container restarted.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["curl", "-fsS", "-o", "/dev/null", "--max-time", "4", "http://127.0.0.1:9464/health/live"]
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/cc-arm-server.jar --config /app/config/server.properties"]
