package org.ccarm.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few things the server changes in an SDP body, line by line (RFC 4566): its session
 * version ({@code o=}, which must rise with every new offer on a leg, RFC 3264 s8) and each
 * media stream's direction ({@code a=sendrecv|sendonly|recvonly|inactive}, RFC 3264 s5.1).
 * Everything else passes through untouched: the server carries signalling only, and the
 * media flows between the phones at the addresses their SDP names.
 */
public final class Sdp {

    private static final List<String> DIRECTIONS = List.of("sendrecv", "sendonly", "recvonly", "inactive");

    private final List<String> lines;

    private Sdp(List<String> lines) {
        this.lines = lines;
    }

    /** The body's lines; a body that is not SDP (no {@code v=} first) is refused with an empty answer. */
    public static Optional<Sdp> parse(byte[] body) {
        if (body == null || body.length == 0) {
            return Optional.empty();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\r?\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(line);
            }
        }
        if (lines.isEmpty() || !lines.get(0).startsWith("v=")) {
            return Optional.empty();
        }
        return Optional.of(new Sdp(lines));
    }

    /** The session version of {@code o=} (its third field), or 0 when it has none that reads. */
    public long version() {
        for (String line : lines) {
            if (line.startsWith("o=")) {
                String[] fields = line.substring(2).split(" ");
                try {
                    return fields.length > 2 ? Long.parseLong(fields[2]) : 0;
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** The same body at session version {@code version}. */
    public Sdp withVersion(long version) {
        List<String> changed = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (line.startsWith("o=")) {
                String[] fields = line.substring(2).split(" ");
                if (fields.length > 2) {
                    fields[2] = Long.toString(version);
                    line = "o=" + String.join(" ", fields);
                }
            }
            changed.add(line);
        }
        return new Sdp(changed);
    }

    /** The direction of each media stream ({@code m=} section) in order; a stream that names none is sendrecv. */
    public List<String> directions() {
        List<String> directions = new ArrayList<>();
        String session = "sendrecv";
        for (String line : lines) {
            if (line.startsWith("m=")) {
                directions.add(session);
            } else if (line.startsWith("a=") && DIRECTIONS.contains(line.substring(2).trim())) {
                if (directions.isEmpty()) {
                    session = line.substring(2).trim();
                } else {
                    directions.set(directions.size() - 1, line.substring(2).trim());
                }
            }
        }
        return directions;
    }

    /**
     * Whether the body holds the call: every stream {@code sendonly} or {@code inactive}, or
     * the connection address {@code 0.0.0.0} (RFC 2543's hold, still sent by some phones).
     */
    public boolean holds() {
        for (String line : lines) {
            if (line.startsWith("c=") && line.trim().endsWith(" 0.0.0.0")) {
                return true;
            }
        }
        List<String> directions = directions();
        return !directions.isEmpty()
                && directions.stream().allMatch(direction -> direction.equals("sendonly") || direction.equals("inactive"));
    }

    /** The same body with every stream's direction set to {@code direction} (session-level directions dropped). */
    public Sdp withDirection(String direction) {
        List<String> directions = new ArrayList<>();
        directions().forEach(each -> directions.add(direction));
        return withDirections(directions);
    }

    /** The same body with each stream's direction set to the one at its place in {@code directions}. */
    public Sdp withDirections(List<String> directions) {
        List<String> changed = new ArrayList<>(lines.size() + directions.size());
        int stream = -1;
        for (String line : lines) {
            if (line.startsWith("m=")) {
                if (stream >= 0 && stream < directions.size()) {
                    changed.add("a=" + directions.get(stream));
                }
                stream++;
            } else if (line.startsWith("a=") && DIRECTIONS.contains(line.substring(2).trim())) {
                continue;
            }
            changed.add(line);
        }
        if (stream >= 0 && stream < directions.size()) {
            changed.add("a=" + directions.get(stream));
        }
        return new Sdp(changed);
    }

    public byte[] bytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return String.join("\r\n", lines) + "\r\n";
    }
}
