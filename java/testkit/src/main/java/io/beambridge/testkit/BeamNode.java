package io.beambridge.testkit;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real BEAM node (erl, elixir or iex) running as an OS process that a
 * {@link BeamCluster} started, and the kit's handle on it: calls over distribution,
 * its captured output, and its end.
 *
 * <p>Calls ({@link #rpc}, {@link #eval}, {@link #evalElixir}; see {@link NodeCalls}) go through the node's
 * {@code rex} server from a hidden Java node of the kit, with the node's {@code user}
 * process as group leader, so what the code prints appears in {@link #output()}. They
 * return {@link Term}s, block until the answer or the call timeout and throw
 * {@link RpcException} with the error term when the code raises, the node is down or
 * does not answer.
 *
 * <p>{@link #stop()} and {@link #kill()} end the OS process the kit started and every
 * descendant of it (such as {@code erl_child_setup} and {@code inet_gethost}), by pid,
 * and return once they are gone. The cluster kills a node that is still running when
 * the test or class that started it ends.
 *
 * <p>Thread-safe.
 */
public final class BeamNode {
    private static final Logger log = LoggerFactory.getLogger(BeamNode.class);

    private final NodeKind kind;
    private final String name;
    private final String cookie;
    private final OsProcess process;
    private final Node client;
    private final Duration callTimeout;
    private final Duration stopTimeout;
    private final NodeCalls calls;
    private volatile long beamPid = -1;

    BeamNode(NodeKind kind, String name, String cookie, OsProcess process, Node client, Duration callTimeout,
             Duration stopTimeout) {
        this.kind = kind;
        this.name = name;
        this.cookie = cookie;
        this.process = process;
        this.client = client;
        this.callTimeout = callTimeout;
        this.stopTimeout = stopTimeout;
        this.calls = new NodeCalls(client, name, callTimeout);
    }

    // ------------------------------------------------------------------ identity

    /** The node's full name, {@code alive@host}. */
    public String name() {
        return name;
    }

    /** The program the node runs. */
    public NodeKind kind() {
        return kind;
    }

    /** The node's cookie. */
    public String cookie() {
        return cookie;
    }

    /** The command line the kit ran. */
    public List<String> command() {
        return process.command();
    }

    /** The pid of the OS process the kit started: the BEAM itself unless a prefix forked. */
    public long pid() {
        return process.pid();
    }

    /**
     * The BEAM's OS pid as the node reports it ({@code os:getpid()}), read once it
     * started; equal to {@link #pid()} when the programs in between exec'd.
     */
    public long beamPid() {
        return beamPid;
    }

    /** The handle of the OS process the kit started ({@link ProcessHandle#descendants()} and so on). */
    public ProcessHandle processHandle() {
        return process.handle();
    }

    /** True while the OS process the kit started runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status once the OS process has exited (137 after a SIGKILL). */
    public OptionalInt exitCode() {
        return process.exitCode();
    }

    // ------------------------------------------------------------------ calls

    /**
     * Calls {@code module:function(args...)} on the node ({@code :rpc.call/5}) with the
     * call timeout: {@code rpc(Atom.of("erlang"), Atom.of("node"))}; an Elixir module is
     * {@code Atom.elixir("String")}. Each argument is converted with {@link Term#of}: a
     * Java String becomes an Elixir string (a binary), a {@code List} a list; pass
     * {@link Term#charlist} for an Erlang string.
     *
     * @return the function's result
     * @throws RpcException when it raises ({@code {:badrpc, reason}}) or the node does not answer
     * @throws IllegalArgumentException when an argument has no term form
     */
    public Term rpc(Atom module, Atom function, Object... args) {
        return calls.rpc(module, function, args);
    }

    /** As {@link #rpc(Atom, Atom, Object...)} with its own timeout. */
    public Term rpc(Duration timeout, Atom module, Atom function, Object... args) {
        return calls.rpc(timeout, module, function, args);
    }

    /**
     * Evaluates Erlang expressions, separated by commas, on the node
     * ({@code erl_scan:string}, {@code erl_parse:parse_exprs}, {@code erl_eval:exprs});
     * the final full stop may be left out. Variables bound stay local to the call.
     *
     * @return the value of the last expression
     * @throws RpcException when the code does not scan or parse, raises, or the node does not answer
     */
    public Term eval(String erlangExpressions) {
        return calls.eval(erlangExpressions);
    }

    /**
     * Evaluates Elixir code on the node ({@code Code.eval_string/1}). Works on elixir and
     * iex nodes, and on an erl node with Elixir in its code path.
     *
     * @return the value of the code
     * @throws RpcException when the code raises or does not compile (the message gives the
     *     Elixir exception's message), Elixir is not loaded there, or the node does not answer
     */
    public Term evalElixir(String code) {
        return calls.evalElixir(code);
    }

    /** The node's calls ({@link #rpc}, {@link #eval}, {@link #evalElixir}) as an object of their own. */
    public NodeCalls calls() {
        return calls;
    }

    // ------------------------------------------------------------------ output and input

    /** Everything the node wrote to stdout and stderr so far (UTF-8; the last 8 MiB at most). */
    public String output() {
        return process.output().text();
    }

    /**
     * Waits until {@link #output()} contains {@code text}, the node's output ends, or
     * {@code timeout} passes.
     *
     * @return true when the text appeared
     */
    public boolean awaitOutput(String text, Duration timeout) {
        try {
            return process.output().await(text, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Writes {@code text} to the node's stdin: an iex node reads expressions there, one
     * per line. (On an erl or elixir node with a lifeline, the lifeline reads and drops it.)
     *
     * @throws UncheckedIOException when stdin is closed (the node has ended)
     */
    public void writeStdin(String text) {
        try {
            process.writeStdin(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Closes the node's stdin. An iex node halts at end of input, and so does an erl or
     * elixir node with its lifeline (see {@link BeamNodeBuilder#lifeline}).
     */
    public void closeStdin() {
        process.closeStdin();
    }

    // ------------------------------------------------------------------ the end

    /**
     * Waits up to {@code timeout} for the OS process the kit started to exit by itself.
     *
     * @return true when it has exited
     */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.awaitExit(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Stops the node gracefully: {@code init:stop()} over distribution, then waits up to
     * the stop timeout for the process to exit and a little longer for its descendants;
     * whatever is left then is killed. Returns once the process and its descendants are
     * gone. Does nothing more than reap when the node is not running.
     *
     * @return true when the node exited by itself, false when it had to be killed
     */
    public boolean stop() {
        if (!process.isAlive()) {
            process.kill();
            return true;
        }
        process.rememberDescendants();
        try {
            Rex.call(client, name, Atom.of("init"), Atom.of("stop"), List.of(),
                    callTimeout.compareTo(stopTimeout) < 0 ? callTimeout : stopTimeout);
        } catch (RpcException e) {
            log.debug("init:stop() on {}: {}", name, e.getMessage()); // it may be down already
        }
        return process.awaitExitThenReap(stopTimeout);
    }

    /**
     * Kills the node at once: SIGKILL to the process the kit started and to each of its
     * descendants, by pid; returns once they are gone (within a few seconds).
     */
    public void kill() {
        process.kill();
    }

    // ------------------------------------------------------------------ for the cluster

    OsProcess process() {
        return process;
    }

    /**
     * The lifeline: a process on the node that reads stdin and halts the node at end of
     * input, which comes when the JVM ends however it ends (even by SIGKILL, when no
     * shutdown hook runs). iex needs none: it halts at end of input by itself.
     */
    private static final String LIFELINE = """
            spawn(fun() ->
                      Read = fun Loop() ->
                                 case io:get_line(user, "") of
                                     Line when is_list(Line); is_binary(Line) -> Loop();
                                     _EofOrError ->
                                         case init:get_status() of
                                             {stopping, _} -> ok; % init:stop/0 closed it (OTP 27+)
                                             _ ->
                                                 io:format(standard_error,
                                                           "beambridge-testkit: stdin closed (the test JVM "
                                                           "is gone?); halting~n", []),
                                                 erlang:halt(1)
                                         end
                                 end
                             end,
                      Read()
                  end)
            """;

    /**
     * Reads the BEAM's own pid, remembers the node's descendants and, when asked, starts
     * the lifeline; called once the node answers.
     */
    void started(boolean lifeline) {
        if (lifeline && kind != NodeKind.IEX) {
            eval(LIFELINE);
        }
        process.rememberDescendants();
        // os:getpid() is a charlist (an Erlang string): a list of character codes
        if (rpc(Atom.of("os"), Atom.of("getpid")) instanceof Term.List digits) {
            StringBuilder text = new StringBuilder();
            digits.elements().forEach(d -> text.appendCodePoint(d.as(int.class)));
            beamPid = Long.parseLong(text.toString());
        }
        if (beamPid != process.pid()) {
            boolean below = process.handle().descendants().anyMatch(h -> h.pid() == beamPid);
            log.warn("{}: the BEAM (pid {}) is not the process the kit started (pid {}, {}); "
                    + "make the prefix exec the program", name, beamPid, process.pid(),
                    below ? "it is a descendant and will be killed with it" : "and not a descendant of it");
        }
    }

    @Override
    public String toString() {
        return name + " (" + kind.program() + ", pid " + pid() + (isAlive() ? "" : ", exited "
                + exitCode().orElse(-1)) + ")";
    }
}
