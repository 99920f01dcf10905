package io.beambridge.testkit;

/**
 * Which program starts a BEAM node.
 *
 * <ul>
 *   <li>{@link #ERL}: {@code erl -noshell}: no shell; stdin is read only by the kit's
 *       lifeline (see {@link BeamNodeBuilder#lifeline}).</li>
 *   <li>{@link #ELIXIR}: {@code elixir --no-halt}: Elixir loaded, no shell; stdin as for erl.</li>
 *   <li>{@link #IEX}: {@code iex}: the interactive shell. With stdin a pipe rather than
 *       a terminal, IEx falls back to its line-mode ("dumb") terminal and reads
 *       expressions from the pipe, echoing results to stdout; end of input stops the
 *       node, so the kit keeps stdin open until the node is stopped.</li>
 * </ul>
 */
public enum NodeKind {
    ERL("erl"),
    ELIXIR("elixir"),
    IEX("iex");

    private final String program;

    NodeKind(String program) {
        this.program = program;
    }

    /** The program run when no other executable is given: {@code erl}, {@code elixir} or {@code iex}. */
    public String program() {
        return program;
    }

    /** True for the kinds with Elixir loaded. */
    public boolean isElixir() {
        return this != ERL;
    }
}
