package org.ccarm.callcontrol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A conversation's state as named fields: the one description every representation
 * derives from. The switch feed's JSON reads and writes these fields by these names, the
 * Redis store keeps {@link #encode}'s text in one hash field and its event stream keeps
 * the text of the states before and after each change (events are computed from them by
 * {@link org.ccarm.events.ChangeEvents#between}), and the in-memory store keeps the record
 * itself.
 *
 * <p>Adding a field to a conversation means: the field in {@link Conversation}, a
 * {@link Field} here with its kind, and its line in {@link #values} and {@link #fromValues}.
 * Nothing else: the scripts never look inside the text, and the feed's reader and writer
 * go by {@link #FIELDS}.
 */
public final class ConversationCodec {

    /** What a field holds, and so how JSON and the text write it. */
    public enum Kind {
        /** A non-empty string. */
        TEXT,
        /** A non-empty list of non-empty strings. */
        TEXT_LIST,
        /** An instant to the millisecond (JSON: {@code 2026-11-25T13:03:39.123Z}; the text: epoch milliseconds). */
        INSTANT
    }

    /**
     * A field of the state: its name (the feed's JSON key) and kind; {@code required} when
     * every state has it; {@code reported} when the switch feed may give it (a call's caller
     * is the server's own to say: the feed reads it back but cannot set it).
     */
    public record Field(String name, Kind kind, boolean required, boolean reported) {
        public Field(String name, Kind kind, boolean required) {
            this(name, kind, required, true);
        }
    }

    public static final String OPERATORS = "operators";
    public static final String HELD_BY = "held_by";
    public static final String HELD_SINCE = "held_since";
    public static final String CALLER = "caller";
    public static final String CALLER_NAME = "caller_name";
    public static final String SIP_OWNER = "sip_owner";

    /** Every field, in the order JSON writes them. */
    public static final List<Field> FIELDS = List.of(
            new Field(OPERATORS, Kind.TEXT_LIST, true),
            new Field(HELD_BY, Kind.TEXT, false),
            new Field(HELD_SINCE, Kind.INSTANT, false),
            new Field(CALLER, Kind.TEXT, false, false),
            new Field(CALLER_NAME, Kind.TEXT, false, false),
            new Field(SIP_OWNER, Kind.TEXT, false, false));

    private ConversationCodec() {}

    /**
     * The state's fields with their values (a {@code List<String>}, a {@code String} or an
     * {@link Instant} by kind), in {@link #FIELDS}' order; a field without a value is absent.
     */
    public static Map<String, Object> values(Conversation conversation) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(OPERATORS, conversation.operators());
        conversation.hold().ifPresent(hold -> {
            values.put(HELD_BY, hold.heldBy());
            values.put(HELD_SINCE, hold.since());
        });
        conversation.caller().ifPresent(caller -> {
            values.put(CALLER, caller.uri());
            caller.displayName().ifPresent(name -> values.put(CALLER_NAME, name));
        });
        conversation.owner().ifPresent(owner -> values.put(SIP_OWNER, owner));
        return values;
    }

    /**
     * The conversation these values describe, at {@code version}; values of the wrong type,
     * an unknown field or a state the record refuses (a holder who does not take part, a
     * hold without its start) throw {@link IllegalArgumentException} with a message a
     * client can read.
     */
    public static Conversation fromValues(String domain, String id, long version, Map<String, ?> values) {
        for (String name : values.keySet()) {
            if (FIELDS.stream().noneMatch(field -> field.name().equals(name))) {
                throw new IllegalArgumentException("a conversation has no field " + name);
            }
        }
        List<String> operators = textList(values, OPERATORS);
        String heldBy = (String) typed(values, HELD_BY, String.class);
        Instant since = (Instant) typed(values, HELD_SINCE, Instant.class);
        if ((heldBy == null) != (since == null)) {
            throw new IllegalArgumentException(heldBy == null ? HELD_SINCE + " is given but " + HELD_BY + " is not"
                    : HELD_BY + " is given but " + HELD_SINCE + " is not");
        }
        Optional<Hold> hold = heldBy == null ? Optional.empty() : Optional.of(new Hold(heldBy, since));
        String callerUri = (String) typed(values, CALLER, String.class);
        String callerName = (String) typed(values, CALLER_NAME, String.class);
        if (callerUri == null && callerName != null) {
            throw new IllegalArgumentException(CALLER_NAME + " is given but " + CALLER + " is not");
        }
        Optional<Caller> caller = callerUri == null ? Optional.empty() : Optional.of(new Caller(callerUri, callerName));
        String owner = (String) typed(values, SIP_OWNER, String.class);
        if (callerUri == null && owner != null) {
            throw new IllegalArgumentException(SIP_OWNER + " is given but " + CALLER + " is not");
        }
        Conversation conversation = Conversation.of(domain, id, operators, hold, caller, version);
        return owner == null ? conversation : conversation.carriedBy(owner);
    }

    /**
     * The state as one text: each field with a value as its name and its value, each
     * written as its length, a colon and itself (a list's value is its items written so),
     * so any text is safe in it. Only this class reads it back.
     */
    public static String encode(Conversation conversation) {
        StringBuilder text = new StringBuilder(64);
        for (Map.Entry<String, Object> field : values(conversation).entrySet()) {
            LengthPrefixed.append(text, field.getKey());
            LengthPrefixed.append(text, valueText(field.getValue()));
        }
        return text.toString();
    }

    /** The conversation {@link #encode} wrote, at {@code version}. */
    public static Conversation decode(String domain, String id, long version, String encoded) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<String> tokens = LengthPrefixed.split(encoded);
        if (tokens.size() % 2 != 0) {
            throw new IllegalArgumentException("not an encoded conversation (a field without its value): " + encoded);
        }
        for (int i = 0; i < tokens.size(); i += 2) {
            String name = tokens.get(i);
            values.put(name, valueOf(kindOf(name), tokens.get(i + 1)));
        }
        return fromValues(domain, id, version, values);
    }

    private static Kind kindOf(String name) {
        for (Field field : FIELDS) {
            if (field.name().equals(name)) {
                return field.kind();
            }
        }
        throw new IllegalArgumentException("a conversation has no field " + name);
    }

    @SuppressWarnings("unchecked")
    private static String valueText(Object value) {
        if (value instanceof List<?> list) {
            StringBuilder items = new StringBuilder();
            for (String item : (List<String>) list) {
                LengthPrefixed.append(items, item);
            }
            return items.toString();
        }
        if (value instanceof Instant instant) {
            return Long.toString(instant.toEpochMilli());
        }
        return (String) value;
    }

    private static Object valueOf(Kind kind, String text) {
        return switch (kind) {
            case TEXT -> text;
            case TEXT_LIST -> LengthPrefixed.split(text);
            case INSTANT -> Instant.ofEpochMilli(Long.parseLong(text));
        };
    }

    private static List<String> textList(Map<String, ?> values, String name) {
        Object value = values.get(name);
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty array of non-empty operator ids");
        }
        List<String> items = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String text) || text.isEmpty()) {
                throw new IllegalArgumentException(name + " must be a non-empty array of non-empty operator ids");
            }
            items.add(text);
        }
        return items;
    }

    private static Object typed(Map<String, ?> values, String name, Class<?> type) {
        Object value = values.get(name);
        if (value != null && !type.isInstance(value)) {
            throw new IllegalArgumentException(name + " has the wrong type");
        }
        if (value instanceof String text && text.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty string or null");
        }
        return value;
    }
}
