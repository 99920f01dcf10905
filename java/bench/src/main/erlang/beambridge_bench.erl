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
         start_sink/0, cast_batches/4, calls_during_stream/6]).
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
%% The distribution wire (WireBench)

%% @doc A process that drops what it gets and answers {sync, From} with synced.
start_sink() ->
    spawn(fun sink/0).

sink() ->
    receive
        {sync, From} -> From ! synced, sink();
        _ -> sink()
    end.

%% @doc N casts of Msg to Target, in batches of Batch, each batch followed by a sync call.
cast_batches(_Target, _Msg, N, _Batch) when N =< 0 ->
    ok;
cast_batches(Target, Msg, N, Batch) ->
    send_n(Target, Msg, Batch),
    _ = gen_server:call(Target, sync, 60000),
    cast_batches(Target, Msg, N - Batch, Batch).

%% @doc One process calls Target with Request (as calls/6, latencies kept) while another
%% streams Bytes-byte binaries to Sink on the same connection, one at a time (each followed
%% by a sync with Sink).
calls_during_stream(Target, Request, Sink, Bytes, WarmMs, Ms) ->
    Bin = binary:copy(<<"x">>, Bytes),
    Parent = self(),
    Streamer = spawn(fun() -> stream(Parent, Sink, {bench, Bin}, 0) end),
    R = load(1, WarmMs, Ms, true, fun() -> gen_server:call(Target, Request, 10000) end),
    Streamer ! stop,
    receive {streamed, Streamer, N} -> R#{streamed => N} end.

stream(Parent, Sink, Msg, N) ->
    Sink ! Msg,
    Sink ! {sync, self()},
    receive synced -> ok end,
    receive
        stop -> Parent ! {streamed, self(), N + 1}
    after 0 ->
        stream(Parent, Sink, Msg, N + 1)
    end.

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
