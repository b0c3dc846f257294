package org.ccarm.command;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.ccarm.auth.Authentication;
import org.ccarm.store.ConversationStore;

/** The commands this server implements, by wire name, in the order they were declared. */
public final class CommandCatalog {

    private final Map<String, Command<?>> byName = new LinkedHashMap<>();

    public CommandCatalog(List<Command<?>> commands) {
        for (Command<?> command : commands) {
            if (byName.putIfAbsent(command.name(), command) != null) {
                throw new IllegalArgumentException("command " + command.name() + " is declared twice");
            }
        }
    }

    /** Every command of the API that this server implements; {@code loginOutcomes} hears how logins end. */
    public static CommandCatalog standard(ConversationStore store, Authentication authentication,
                                          Consumer<String> loginOutcomes) {
        return standard(store, CarriedCalls.NONE, authentication, loginOutcomes);
    }

    /** The same, the conversation commands changing the media of the calls this server carries ({@code calls}). */
    public static CommandCatalog standard(ConversationStore store, CarriedCalls calls, Authentication authentication,
                                          Consumer<String> loginOutcomes) {
        List<Command<?>> commands = new ArrayList<>(ConversationCommands.over(store, calls));
        commands.addAll(SessionCommands.over(authentication, loginOutcomes));
        commands.addAll(EventCommands.all());
        return new CommandCatalog(commands);
    }

    /** The command of that name; null when there is none. */
    public Command<?> find(String name) {
        return byName.get(name);
    }

    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    /** Each command's name with whether it opts in to the canonical fast path, for the decoder. */
    public Map<String, Boolean> canonicalFastPaths() {
        Map<String, Boolean> fastPaths = new LinkedHashMap<>();
        byName.values().forEach(command -> fastPaths.put(command.name(), command.canonicalFastPath()));
        return fastPaths;
    }
}
