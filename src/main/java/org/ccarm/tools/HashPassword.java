package org.ccarm.tools;

import java.io.Console;
import java.io.PrintStream;
import org.ccarm.auth.PasswordHashing;

/**
 * Prints the Argon2id hash of a password, for an operators fixture ({@code password_hash}):
 * fixtures hold hashes only, never a password. Reads the password from the console
 * without echo, or from standard input when there is no console:
 *
 * <pre>java -cp target/cc-arm-server.jar org.ccarm.tools.HashPassword</pre>
 */
public final class HashPassword {

    private HashPassword() {}

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        String password;
        Console console = System.console();
        if (console != null) {
            char[] typed = console.readPassword("password: ");
            password = typed == null ? null : new String(typed);
        } else {
            password = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
        }
        if (password == null || password.isEmpty()) {
            System.err.println("no password given");
            System.exit(2);
            return;
        }
        out.println(PasswordHashing.hashNow(password));
    }
}
