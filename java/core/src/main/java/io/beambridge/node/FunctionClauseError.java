package io.beambridge.node;

import io.beambridge.term.Atom;

/**
 * No clause takes these arguments: Erlang's {@code function_clause} error, as a BEAM
 * function whose heads and guards do not match raises it. Throw it where an Elixir
 * function would have a guard:
 *
 * <pre>{@code
 * @HandleCall Result<Term.List> pop(Pop pop, Term.List stack) {
 *     if (stack.isEmpty()) throw new FunctionClauseError();   // handle_call(:pop, _, [head | tail])
 *     return reply(stack.head(), stack.tail());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>from a GenServer clause ({@link io.beambridge.gen.HandleCall} and the others): the
 *       clause does not take the message, the next one is tried, and when none takes it
 *       the server exits with {@code {:function_clause, [{module, :handle_call, [request,
 *       from, state], _} | _]}}, as an Elixir server does; thrown from an overridden
 *       {@code handleCall} (or cast, info, continue) it ends the server the same way;</li>
 *   <li>from a function bound for rpc: the caller gets the error {@code :function_clause}
 *       with {@code {module, function, args, _}} as the stack's first frame
 *       ({@code {:badrpc, {:EXIT, {:function_clause, [...]}}}} from {@code :rpc.call}).</li>
 * </ul>
 */
public class FunctionClauseError extends ErlangError {
    private static final Atom FUNCTION_CLAUSE = Atom.of("function_clause");

    /** No clause matches. */
    public FunctionClauseError() {
        super(FUNCTION_CLAUSE);
    }
}
