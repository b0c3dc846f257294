package org.ccarm.fuzz;

/**
 * How long one fuzzing session of a target lasts. {@code mvn verify} runs one session per
 * target; {@code bash bench/fuzz SECONDS} runs sessions back to back for as long as it
 * is told, each starting from the corpus the previous ones grew (in .cifuzz-corpus/).
 * The annotation needs a constant, hence sessions rather than one long run.
 */
public final class FuzzBudget {

    public static final String SESSION = "15s";

    private FuzzBudget() {}
}
