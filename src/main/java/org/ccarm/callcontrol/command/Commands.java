package org.ccarm.callcontrol.command;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.ccarm.store.ConversationStore;

/** The commands this server knows, by wire name. */
public final class Commands {

    private final Map<String, Command> byName = new LinkedHashMap<>();

    public Commands(List<Command> commands) {
        for (Command command : commands) {
            if (byName.putIfAbsent(command.name(), command) != null) {
                throw new IllegalArgumentException("command " + command.name() + " registered twice");
            }
        }
    }

    /** Every command of the API that this server implements, over one store. */
    public static Commands standard(ConversationStore store, Clock clock) {
        return new Commands(List.of(new CallUnhold(store), new CallHold(store, clock)));
    }

    public Optional<Command> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Set<String> names() {
        return byName.keySet();
    }
}
