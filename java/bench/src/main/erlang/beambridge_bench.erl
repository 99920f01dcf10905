%% @doc The BEAM side of `make bench': an echo gen_server, and load drivers that
%% run on a BEAM node and time themselves there.
%%
%% Every driver works the same way: N processes loop on one operation; the first
%% WarmMs milliseconds are not counted, then for Ms milliseconds each process counts
%% the operations it completes (and, when asked, records each one's latency in
%% native time units). The answer is a map:
%%   #{count => Completed, ms => Ms, errors => Failed, p50_us => .., p99_us => ..}
%% (percentiles only when latencies were recorded).
%%
%% The bench compiles this module at run time (erlc) and puts it on the nodes' path.
-module(beambridge_bench).
-behaviour(gen_server).

-export([start_echo/1, echo_count/1,
         calls/6, casts/6,
         idle_servers/1,
         registry_start/2, registry_lookups/5, registry_lookups_remote/6,
         registry_lookups_java/5,
         global_bench/3,
         memory/0, first_call/3, cast_small/3, casts_seen/3, stream/4, paced_calls/5,
         calls_during_stream/6]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

%%--------------------------------------------------------------------
%% The echo server: replies to a call with the request; counts casts, and
%% answers `sync' with the number of casts since the last sync.

%% @doc Starts the echo server registered as Name (not linked: it outlives the rpc).
start_echo(Name) ->
    gen_server:start({local, Name}, ?MODULE, [], []).

echo_count(Server) ->
    gen_server:call(Server, sync).

init([]) ->
    {ok, 0}.

handle_call(sync, _From, N) ->
    {reply, N, 0};
handle_call(peek, _From, N) ->
    {reply, N, N};
handle_call({registry_lookup, Registry, Key}, _From, N) ->
    {reply, 'Elixir.Registry':lookup(Registry, Key), N};
handle_call(Request, _From, N) ->
    {reply, Request, N}.

handle_cast(_Msg, N) ->
    {noreply, N + 1}.

handle_info(_Msg, N) ->
    {noreply, N}.

%%--------------------------------------------------------------------
%% Calls

%% @doc N processes doing gen_server:call(Target, Request) in a loop.
calls(Target, Request, N, WarmMs, Ms, Latencies) ->
    load(N, WarmMs, Ms, Latencies, fun() -> gen_server:call(Target, Request, 10000) end).

%%--------------------------------------------------------------------
%% Casts, one way: batches of Batch casts of a Bytes-byte binary, each batch
%% followed by a `sync' call that returns how many casts the server counted (so the
%% sender never runs more than one batch ahead of the receiver, as a bounded window).

casts(Target, Bytes, Batch, WarmMs, Ms, _) ->
    Bin = binary:copy(<<"x">>, Bytes),
    Msg = {bench, Bin},
    _ = gen_server:call(Target, sync, 60000),
    Now = erlang:monotonic_time(),
    T0 = Now + ms(WarmMs),
    T1 = T0 + ms(Ms),
    {Count, Lost, End} = cast_loop(Target, Msg, Batch, T0, T1, 0, 0),
    Elapsed = erlang:convert_time_unit(End - T0, native, microsecond),
    #{count => Count, ms => Elapsed / 1000, errors => Lost, bytes => Bytes}.

cast_loop(Target, Msg, Batch, T0, T1, Count, Lost) ->
    S = erlang:monotonic_time(),
    case S >= T1 of
        true ->
            {Count, Lost, S};
        false ->
            send_n(Target, Msg, Batch),
            Got = gen_server:call(Target, sync, 60000),
            case S >= T0 of
                true -> cast_loop(Target, Msg, Batch, T0, T1, Count + Got, Lost + (Batch - Got));
                false -> cast_loop(Target, Msg, Batch, T0, T1, Count, Lost)
            end
    end.

send_n(_Target, _Msg, 0) -> ok;
send_n(Target, Msg, K) ->
    gen_server:cast(Target, Msg),
    send_n(Target, Msg, K - 1).

%%--------------------------------------------------------------------
%% A million idle gen_servers (run on a node of its own, stopped afterwards: the
%% servers are never stopped, and their pids are not kept, so that nothing but the
%% servers themselves adds to erlang:memory(processes)).

idle_servers(N) ->
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    T0 = erlang:monotonic_time(),
    start_idle(N),
    T1 = erlang:monotonic_time(),
    erlang:garbage_collect(),
    M1 = erlang:memory(processes),
    #{count => N, start_ms => erlang:convert_time_unit(T1 - T0, native, microsecond) / 1000,
      bytes => M1 - M0}.

start_idle(0) -> ok;
start_idle(K) ->
    {ok, _} = gen_server:start(?MODULE, [], []),
    start_idle(K - 1).

%%--------------------------------------------------------------------
%% Elixir's Registry

%% @doc Starts a unique-key Registry named Name, owned by a process that lives on,
%% and registers the keys {key, 1} .. {key, N} to that process. Returns the time and
%% the growth of ETS memory.
registry_start(Name, N) ->
    Caller = self(),
    Ref = make_ref(),
    spawn(fun() ->
                  {ok, _} = 'Elixir.Registry':start_link([{keys, unique}, {name, Name},
                                                          {partitions, erlang:system_info(schedulers_online)}]),
                  M0 = erlang:memory(ets),
                  T0 = erlang:monotonic_time(),
                  register_keys(Name, N),
                  T1 = erlang:monotonic_time(),
                  M1 = erlang:memory(ets),
                  Caller ! {Ref, #{count => N, ms => erlang:convert_time_unit(T1 - T0, native, microsecond) / 1000,
                                   bytes => M1 - M0}},
                  receive stop -> ok end
          end),
    receive {Ref, R} -> R end.

register_keys(_Name, 0) -> ok;
register_keys(Name, K) ->
    {ok, _} = 'Elixir.Registry':register(Name, {key, K}, nil),
    register_keys(Name, K - 1).

%% @doc N processes doing Registry.lookup of random keys, on the registry's node.
registry_lookups(Name, Keys, N, WarmMs, Ms) ->
    load(N, WarmMs, Ms, false,
         fun() -> [_] = 'Elixir.Registry':lookup(Name, {key, rand:uniform(Keys)}) end).

%% @doc The same from another node: a gen_server:call to Proxy (an echo server on the
%% registry's node), which does the lookup; the shape of a call to a Java registry.
registry_lookups_remote(Proxy, Name, Keys, N, WarmMs, Ms) ->
    load(N, WarmMs, Ms, true,
         fun() -> [_] = gen_server:call(Proxy, {registry_lookup, Name, {key, rand:uniform(Keys)}}) end).

%% @doc Lookups in a Java registry {Name, JavaNode} through beambridge_registry.
registry_lookups_java(Registry, Keys, N, WarmMs, Ms) ->
    load(N, WarmMs, Ms, true,
         fun() -> [_] = beambridge_registry:lookup(Registry, {key, rand:uniform(Keys)}) end).

%%--------------------------------------------------------------------
%% :global, for BEAM pids: K registrations (each of its own idle process), then
%% lookups of random registered names for Ms, then everything is removed.

global_bench(K, WarmMs, Ms) ->
    Pids = [spawn(fun() -> receive stop -> ok end end) || _ <- lists:seq(1, K)],
    T0 = erlang:monotonic_time(),
    Yes = length([yes || {I, P} <- lists:zip(lists:seq(1, K), Pids),
                         global:register_name({bench_global, I}, P) =:= yes]),
    T1 = erlang:monotonic_time(),
    Lookups = load(1, WarmMs, Ms, false,
                   fun() -> true = is_pid(global:whereis_name({bench_global, rand:uniform(K)})) end),
    [global:unregister_name({bench_global, I}) || I <- lists:seq(1, K)],
    [P ! stop || P <- Pids],
    #{registered => Yes, register_ms => erlang:convert_time_unit(T1 - T0, native, microsecond) / 1000,
      lookups => Lookups}.

%%--------------------------------------------------------------------
%% The load driver

load(N, WarmMs, Ms, Latencies, F) ->
    Now = erlang:monotonic_time(),
    T0 = Now + ms(WarmMs),
    T1 = T0 + ms(Ms),
    Parent = self(),
    Ref = make_ref(),
    Pids = [spawn_link(fun() -> Parent ! {Ref, self(), worker(F, T0, T1, Latencies)} end)
            || _ <- lists:seq(1, N)],
    Results = [receive {Ref, P, R} -> R end || P <- Pids],
    Count = lists:sum([C || {C, _, _} <- Results]),
    Errors = lists:sum([E || {_, E, _} <- Results]),
    Base = #{count => Count, errors => Errors, ms => Ms},
    case Latencies of
        true ->
            Sorted = lists:sort(lists:append([L || {_, _, L} <- Results])),
            Base#{p50_us => percentile(Sorted, 0.50), p99_us => percentile(Sorted, 0.99)};
        false ->
            Base
    end.

worker(F, T0, T1, Latencies) ->
    loop(F, T0, T1, Latencies, 0, 0, []).

loop(F, T0, T1, Latencies, C, E, L) ->
    S = erlang:monotonic_time(),
    case S >= T1 of
        true ->
            {C, E, L};
        false ->
            Ok = try F(), true catch _:_ -> false end,
            case S >= T0 of
                false ->
                    loop(F, T0, T1, Latencies, C, E, L);
                true when not Ok ->
                    loop(F, T0, T1, Latencies, C, E + 1, L);
                true when Latencies ->
                    loop(F, T0, T1, Latencies, C + 1, E, [erlang:monotonic_time() - S | L]);
                true ->
                    loop(F, T0, T1, Latencies, C + 1, E, L)
            end
    end.

percentile([], _) -> 0.0;
percentile(Sorted, Q) ->
    I = max(1, min(length(Sorted), round(Q * length(Sorted)))),
    erlang:convert_time_unit(lists:nth(I, Sorted), native, nanosecond) / 1000.

ms(Ms) ->
    erlang:convert_time_unit(Ms, millisecond, native).

%%--------------------------------------------------------------------
%% Many peers, start-up, bytes on the socket, calls beside a stream

%% @doc The node's memory after a garbage collection of every process: a map of
%% erlang:memory() (total, processes, system, ets, binary, ...), in bytes.
memory() ->
    [erlang:garbage_collect(P) || P <- erlang:processes()],
    maps:from_list(erlang:memory()).

%% @doc Calls {Name, Node} with `hello' until it answers (a node not up yet, a name not
%% registered yet: tried again after 2 ms), for at most TimeoutMs. Returns the OS time
%% (os:system_time(microsecond), the clock the bench JVM reads too) of the first answer,
%% and the number of attempts; or `timeout'.
first_call(Node, Name, TimeoutMs) ->
    Until = erlang:monotonic_time(millisecond) + TimeoutMs,
    first_call(Node, Name, Until, 1).

first_call(Node, Name, Until, Attempt) ->
    try gen_server:call({Name, Node}, hello, 5000) of
        hello -> {os:system_time(microsecond), Attempt}
    catch
        exit:_ ->
            case erlang:monotonic_time(millisecond) >= Until of
                true -> timeout;
                false -> timer:sleep(2), first_call(Node, Name, Until, Attempt + 1)
            end
    end.

%% @doc K casts of a small message ({hello, I} for I in 1..K) to Target, one after another.
cast_small(Target, K, _) ->
    [gen_server:cast(Target, {hello, I}) || I <- lists:seq(1, K)],
    ok.

%% @doc Waits until the echo server Server has counted at least K casts since its last
%% sync (for at most TimeoutMs); returns the count.
casts_seen(Server, K, TimeoutMs) ->
    Until = erlang:monotonic_time(millisecond) + TimeoutMs,
    casts_seen_loop(Server, K, Until).

casts_seen_loop(Server, K, Until) ->
    N = gen_server:call(Server, peek, 60000),
    case N >= K orelse erlang:monotonic_time(millisecond) >= Until of
        true -> N;
        false -> timer:sleep(2), casts_seen_loop(Server, K, Until)
    end.

%% @doc For DurMs, casts a Bytes-byte binary to Target, each followed by a `sync' call
%% (one large message in flight at a time). Returns the number sent.
stream(Target, Bytes, DurMs, _) ->
    Msg = {bench, binary:copy(<<"x">>, Bytes)},
    Until = erlang:monotonic_time(millisecond) + DurMs,
    stream_loop(Target, Msg, Until, 0).

stream_loop(Target, Msg, Until, N) ->
    case erlang:monotonic_time(millisecond) >= Until of
        true -> N;
        false ->
            gen_server:cast(Target, Msg),
            _ = gen_server:call(Target, sync, 60000),
            stream_loop(Target, Msg, Until, N + 1)
    end.

%% @doc Paced calls with `hello' to Target (see paced_calls/5) while another process of
%% this node streams Bytes-byte casts to StreamTarget (see stream/4); the calls' map, with
%% `streamed' (how many large messages were sent while they ran).
calls_during_stream(Target, StreamTarget, Bytes, WarmMs, Ms, _) ->
    Self = self(),
    Ref = make_ref(),
    Streamer = spawn_link(fun() -> Self ! {Ref, stream(StreamTarget, Bytes, WarmMs + Ms, x)} end),
    R = paced_calls(Target, hello, 1, WarmMs, Ms),
    receive {Ref, Streamed} -> ok after 120000 -> Streamed = -1 end,
    unlink(Streamer),
    R#{streamed => Streamed}.

%% @doc Calls of Target with Request at a steady pace, about one every IntervalMs
%% milliseconds, each from a process of its own (a slow call holds back none of the
%% next ones: a stall of the connection shows in every call made while it lasts, not in
%% one). Latency from each call's start to its reply; the calls started in the measured
%% window count. The map of load/5, with p50_us and p99_us.
paced_calls(Target, Request, IntervalMs, WarmMs, Ms) ->
    Self = self(),
    Ref = make_ref(),
    Now = erlang:monotonic_time(),
    T0 = Now + ms(WarmMs),
    T1 = T0 + ms(Ms),
    N = paced_loop(Target, Request, IntervalMs, Self, Ref, T0, T1, 0),
    {Lats, Errors} = paced_collect(Ref, N, erlang:monotonic_time(millisecond) + 60000, [], 0),
    Sorted = lists:sort(Lats),
    #{count => length(Lats), errors => Errors, ms => Ms,
      p50_us => percentile(Sorted, 0.50), p99_us => percentile(Sorted, 0.99)}.

paced_loop(Target, Request, IntervalMs, Self, Ref, T0, T1, N) ->
    S = erlang:monotonic_time(),
    case S >= T1 of
        true ->
            N;
        false ->
            Counted = S >= T0,
            spawn(fun() ->
                          Start = erlang:monotonic_time(),
                          Ok = try gen_server:call(Target, Request, 30000), true catch _:_ -> false end,
                          Lat = erlang:monotonic_time() - Start,
                          Counted andalso (Self ! {Ref, Ok, Lat})
                  end),
            receive after IntervalMs -> ok end,
            paced_loop(Target, Request, IntervalMs, Self, Ref, T0, T1, case Counted of true -> N + 1; false -> N end)
    end.

paced_collect(_Ref, 0, _Until, Lats, Errors) ->
    {Lats, Errors};
paced_collect(Ref, N, Until, Lats, Errors) ->
    Left = max(0, Until - erlang:monotonic_time(millisecond)),
    receive
        {Ref, true, Lat} -> paced_collect(Ref, N - 1, Until, [Lat | Lats], Errors);
        {Ref, false, _} -> paced_collect(Ref, N - 1, Until, Lats, Errors + 1)
    after Left ->
        {Lats, Errors + N}
    end.
