package io.beambridge.it;

import static io.beambridge.gen.Result.reply;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.HandleCall;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.registry.RegistryNames;
import io.beambridge.term.Atom;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;

/**
 * The same small server in Java, Erlang and Elixir, for the mixed-cluster tests, and a
 * caller loop in Erlang and Elixir that keeps calling a server through an outage.
 *
 * <p>Every server answers {@code whoami} with {@code {Label, Node, Pid}},
 * {@code {echo, X}} with {@code {Label, X}}, and {@code {call, Server, Request}} by
 * calling {@code Server} (a pid, {@code {Name, Node}}, a via or a global name) with
 * {@code Request} and replying with its answer: a relay. The labels are {@code erl},
 * {@code ex} and the Java server's own.
 */
final class MixedNodes {
    private MixedNodes() {}

    /** The Erlang server, {@code mixed_server}, and its caller loop. */
    static final String ERLANG_SERVER = """
            -module(mixed_server).
            -behaviour(gen_server).
            -export([start/1, init/1, handle_call/3, handle_cast/2, start_caller/3]).

            start(Name) -> gen_server:start(Name, mixed_server, [], []).

            init([]) -> {ok, nil}.

            handle_call(whoami, _From, S) -> {reply, {erl, node(), self()}, S};
            handle_call({echo, X}, _From, S) -> {reply, {erl, X}, S};
            handle_call({call, Server, Request}, _From, S) -> {reply, gen_server:call(Server, Request), S}.

            handle_cast(_Msg, S) -> {noreply, S}.

            start_caller(Tag, Server, Report) ->
                Deadline = erlang:monotonic_time(millisecond) + 60000,
                spawn(fun() -> caller(Tag, Server, Report, Deadline, starting, 0, 0, [], []) end).

            caller(Tag, _Server, Report, _Deadline, Phase, Calls, _Failures, _Reasons, _Oks) when Calls >= 20000 ->
                Report ! {Tag, gave_up, {too_many_calls, Phase}};
            caller(Tag, Server, Report, Deadline, Phase, Calls, Failures, Reasons, Oks) ->
                case erlang:monotonic_time(millisecond) > Deadline of
                    true -> Report ! {Tag, gave_up, {deadline, Phase, Calls}};
                    false ->
                        Result = try {ok, gen_server:call(Server, {echo, Calls}, 2000)}
                                 catch exit:{Reason, {gen_server, call, _}} -> {exit, Reason};
                                       Class:Other -> {exit, {Class, Other}}
                                 end,
                        step(Tag, Server, Report, Deadline, Phase, Calls + 1, Failures, Reasons, Oks, Result)
                end.

            step(Tag, Server, Report, Deadline, starting, Calls, F, R, Oks, {ok, _}) ->
                Report ! {Tag, up},
                again(Tag, Server, Report, Deadline, up, Calls, F, R, Oks);
            step(Tag, _Server, Report, _Deadline, starting, _Calls, _F, _R, _Oks, {exit, Reason}) ->
                Report ! {Tag, gave_up, {failed_first, Reason}};
            step(Tag, Server, Report, Deadline, up, Calls, F, R, Oks, {ok, _}) ->
                again(Tag, Server, Report, Deadline, up, Calls, F, R, Oks);
            step(Tag, Server, Report, Deadline, up, Calls, _F, _R, Oks, {exit, Reason}) ->
                Report ! {Tag, failed, Reason},
                again(Tag, Server, Report, Deadline, gap, Calls, 1, [Reason], Oks);
            step(Tag, Server, Report, Deadline, gap, Calls, F, R, Oks, {exit, Reason}) ->
                again(Tag, Server, Report, Deadline, gap, Calls, F + 1, lists:usort([Reason | R]), Oks);
            step(Tag, Server, Report, Deadline, gap, Calls, F, R, _Oks, {ok, Reply}) ->
                Report ! {Tag, recovered, F, R},
                again(Tag, Server, Report, Deadline, recovered, Calls, F, R, [Reply]);
            step(Tag, _Server, Report, _Deadline, recovered, _Calls, _F, _R, Oks, {ok, Reply}) when length(Oks) >= 19 ->
                Report ! {Tag, done, lists:reverse([Reply | Oks])};
            step(Tag, Server, Report, Deadline, recovered, Calls, F, R, Oks, {ok, Reply}) ->
                again(Tag, Server, Report, Deadline, recovered, Calls, F, R, [Reply | Oks]);
            step(Tag, _Server, Report, _Deadline, recovered, _Calls, _F, _R, _Oks, {exit, Reason}) ->
                Report ! {Tag, failed_again, Reason}.

            %% 5 ms between calls: a steady stream, not a busy loop; 'stop' ends it.
            again(Tag, Server, Report, Deadline, Phase, Calls, F, R, Oks) ->
                receive stop -> ok
                after 5 -> caller(Tag, Server, Report, Deadline, Phase, Calls, F, R, Oks)
                end.
            """;

    /** The Elixir server, {@code Mixed.ExServer}, and its caller loop, {@code Mixed.Caller}. */
    static final String ELIXIR_SERVER = """
            defmodule Mixed.ExServer do
              use GenServer
              def start(name), do: GenServer.start(__MODULE__, nil, name: name)
              @impl true
              def init(nil), do: {:ok, nil}
              @impl true
              def handle_call(:whoami, _from, s), do: {:reply, {:ex, node(), self()}, s}
              def handle_call({:echo, x}, _from, s), do: {:reply, {:ex, x}, s}
              def handle_call({:call, server, request}, _from, s), do: {:reply, GenServer.call(server, request), s}
            end

            defmodule Mixed.Caller do
              # Calls server with {:echo, n} until it has answered, failed and answered again
              # 20 times; reports {tag, :up}, {tag, :failed, reason}, {tag, :recovered,
              # failures, reasons}, {tag, :done, answers}, or {tag, :failed_again, reason} and
              # {tag, :gave_up, why}. At most 20,000 calls and 60 s.
              def start(tag, server, report) do
                deadline = System.monotonic_time(:millisecond) + 60_000
                spawn(fn -> loop(%{tag: tag, server: server, report: report, deadline: deadline,
                                   phase: :starting, calls: 0, failures: 0, reasons: [], oks: [], took: 0}) end)
              end

              defp loop(%{calls: c} = s) when c >= 20_000, do: send(s.report, {s.tag, :gave_up, {:too_many_calls, s.phase}})

              defp loop(s) do
                if System.monotonic_time(:millisecond) > s.deadline do
                  send(s.report, {s.tag, :gave_up, {:deadline, s.phase, s.calls}})
                else
                  t0 = System.monotonic_time(:millisecond)
                  result =
                    try do
                      {:ok, GenServer.call(s.server, {:echo, s.calls}, 2000)}
                    catch
                      :exit, {reason, {GenServer, :call, _}} -> {:exit, reason}
                      kind, other -> {:exit, {kind, other}}
                    end
                  step(%{s | calls: s.calls + 1, took: System.monotonic_time(:millisecond) - t0}, result)
                end
              end

              defp step(%{phase: :starting} = s, {:ok, _}), do: (send(s.report, {s.tag, :up}); again(%{s | phase: :up}))
              defp step(%{phase: :starting} = s, {:exit, r}), do: send(s.report, {s.tag, :gave_up, {:failed_first, r}})
              defp step(%{phase: :up} = s, {:ok, _}), do: again(s)
              defp step(%{phase: :up} = s, {:exit, r}) do
                send(s.report, {s.tag, :failed, r, s.took, System.system_time(:millisecond)})
                again(%{s | phase: :gap, failures: 1, reasons: [r]})
              end
              defp step(%{phase: :gap} = s, {:exit, r}),
                do: again(%{s | failures: s.failures + 1, reasons: Enum.uniq([r | s.reasons])})
              defp step(%{phase: :gap} = s, {:ok, reply}) do
                send(s.report, {s.tag, :recovered, s.failures, Enum.sort(s.reasons)})
                again(%{s | phase: :recovered, oks: [reply]})
              end
              defp step(%{phase: :recovered, oks: oks} = s, {:ok, reply}) when length(oks) >= 19,
                do: send(s.report, {s.tag, :done, Enum.reverse([reply | oks])})
              defp step(%{phase: :recovered} = s, {:ok, reply}), do: again(%{s | oks: [reply | s.oks]})
              defp step(%{phase: :recovered} = s, {:exit, r}), do: send(s.report, {s.tag, :failed_again, r})

              # 5 ms between calls: a steady stream, not a busy loop; :stop ends it.
              defp again(s) do
                receive do
                  :stop -> :ok
                after
                  5 -> loop(s)
                end
              end
            end
            """;

    /** Loads {@code mixed_server} on an erl (or any BEAM) node. */
    static void loadErlang(BeamNode node) {
        ErlangModules.load(node, ERLANG_SERVER);
    }

    /** Defines {@code Mixed.ExServer} and {@code Mixed.Caller} on an Elixir node. */
    static void loadElixir(BeamNode node) {
        node.evalElixir(ELIXIR_SERVER);
    }

    /** The Java server: the same protocol, replies labelled {@code label}. */
    record JavaServer(Node node, String label) implements GenServer<Atom> {
        /** {@code :whoami}. */
        @Tagged
        record Whoami() {}

        /** {@code {:echo, x}}. */
        @Tagged
        record Echo(Term x) {}

        /** {@code {:call, server, request}}: call another server and reply with its answer. */
        @Tagged
        record Call(Term server, Term request) {}

        @Override
        public Init<Atom> init() {
            return Init.ok(Atom.NIL);
        }

        @HandleCall
        Result<Atom> whoami(Whoami w, Atom state) {
            return reply(Term.tuple(Atom.of(label), Atom.of(node.name()), Proc.current().self()), state);
        }

        @HandleCall
        Result<Atom> echo(Echo e, Atom state) {
            return reply(Term.tuple(Atom.of(label), e.x()), state);
        }

        @HandleCall
        Result<Atom> relay(Call c, Atom state) {
            return reply(GenServer.call(serverRef(node, c.server()), c.request()), state);
        }
    }

    /**
     * The {@link ServerRef} of a server term as Erlang writes it, used from {@code node}: a
     * pid, a name, {@code {Name, Node}}, {@code {via, beambridge_registry, Name}} or
     * {@code {global, Name}}.
     */
    static ServerRef serverRef(Node node, Term term) {
        if (term instanceof Term.Tuple t && t.isTagged("via", 3) && Atom.of("beambridge_registry").equals(t.get(1))) {
            return ServerRef.via(RegistryNames.of(node), t.get(2));
        }
        if (term instanceof Term.Tuple t && t.isTagged("global", 2)) {
            return Global.of(node).name(t.get(1));
        }
        return ServerRef.of(node, term);
    }
}
